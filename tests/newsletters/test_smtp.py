"""``sending.smtp.send`` against a real aiosmtpd server, with and without PIPELINING: what
arrives, what a refusal raises (smtplib's own exceptions, the connection still usable), and
that ``before_end`` runs before the server can accept the message."""

from __future__ import annotations

import smtplib
import socket
import threading

import pytest

from newsletters.sending import smtp as newsletter_smtp

from .smtp_sink import smtp_sink

SENDER = "City Diplomacy Unit <newsletter@city.example>"
BODY = (
    b"From: newsletter@city.example\r\nTo: reader@mail.example\r\nSubject: Test\r\n\r\n"
    b"Hello.\r\n.A line that starts with a period.\r\n..and one with two.\r\n"
)


def lines(raw: bytes) -> list[bytes]:
    return raw.splitlines()


@pytest.fixture(params=[True, False], ids=["pipelining", "one-command-at-a-time"])
def server(request):
    with smtp_sink(pipelining=request.param) as sink:
        connection = smtplib.SMTP("127.0.0.1", sink.port)
        yield sink, connection, request.param
        connection.close()


def test_the_message_arrives_intact(server):
    sink, connection, pipelining = server

    newsletter_smtp.send(connection, sender=SENDER, recipient="reader@mail.example", data=BODY)
    newsletter_smtp.send(
        connection, sender=SENDER, recipient="second@mail.example", data=BODY.rstrip(b"\r\n")
    )

    assert newsletter_smtp.pipelines(connection) is pipelining
    received = sink.received
    assert [r.recipient for r in received] == ["reader@mail.example", "second@mail.example"]
    assert [lines(r.raw) for r in received] == [lines(BODY), lines(BODY)]
    assert received[0].message.get_content().splitlines()[1] == ".A line that starts with a period."
    assert sink.pipelined_envelopes == (2 if pipelining else 0)


def test_before_end_runs_once_before_the_server_can_accept_the_message(server):
    sink, connection, _ = server
    seen: list[int] = []

    newsletter_smtp.send(
        connection,
        sender=SENDER,
        recipient="reader@mail.example",
        data=BODY,
        before_end=lambda: seen.append(sink.count()),
    )

    assert seen == [0]  # called once, while the message was not yet accepted
    assert sink.count() == 1


def test_a_failing_before_end_delivers_nothing_and_drops_the_connection(server):
    sink, connection, _ = server

    def fail() -> None:
        raise RuntimeError("the previous mark was not recorded")

    with pytest.raises(RuntimeError):
        newsletter_smtp.send(
            connection, sender=SENDER, recipient="reader@mail.example", data=BODY, before_end=fail
        )

    assert connection.sock is None
    assert sink.count() == 0


@pytest.mark.parametrize(("code", "error"), [(550, "550"), (451, "451")])
def test_a_refused_recipient_raises_and_the_next_message_still_goes(server, code, error):
    sink, connection, _ = server
    sink.refuse("gone@mail.example", code)
    called: list[bool] = []

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        newsletter_smtp.send(
            connection,
            sender=SENDER,
            recipient="gone@mail.example",
            data=BODY,
            before_end=lambda: called.append(True),
        )
    newsletter_smtp.send(connection, sender=SENDER, recipient="reader@mail.example", data=BODY)

    assert refused.value.recipients["gone@mail.example"][0] == code
    assert error in str(refused.value)
    assert called == []  # nothing was on its way to acceptance
    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


def test_a_refused_message_raises_a_data_error_and_the_connection_goes_on(server):
    sink, connection, _ = server
    sink.refuse_data("spam-trap@mail.example", 554)

    with pytest.raises(smtplib.SMTPDataError) as refused:
        newsletter_smtp.send(
            connection, sender=SENDER, recipient="spam-trap@mail.example", data=BODY
        )
    newsletter_smtp.send(connection, sender=SENDER, recipient="reader@mail.example", data=BODY)

    assert refused.value.smtp_code == 554
    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


@pytest.mark.parametrize("address", ["reader@mail.example\r\nRCPT TO:<x@evil.example>", "a\nb"])
def test_a_newline_in_an_address_is_refused_before_anything_is_sent(server, address):
    sink, connection, _ = server

    with pytest.raises(ValueError, match="newline"):
        newsletter_smtp.send(connection, sender=SENDER, recipient=address, data=BODY)
    newsletter_smtp.send(connection, sender=SENDER, recipient="reader@mail.example", data=BODY)

    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


def test_a_disconnected_server_raises_what_smtplib_raises(server):
    sink, connection, _ = server
    connection.close()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        newsletter_smtp.send(connection, sender=SENDER, recipient="reader@mail.example", data=BODY)
    assert sink.count() == 0


Reply = str | list[str]


class ScriptedServer:
    """A minimal SMTP server that answers MAIL, RCPT, DATA and a message's final "." as scripted
    (a list: one reply per time, the last one repeated), to play servers that misbehave in ways
    aiosmtpd will not: DATA opened after a refused recipient, a hang-up after a 421. It records
    every line it reads."""

    def __init__(
        self,
        *,
        mail: Reply = "250 OK",
        rcpt: Reply = "250 OK",
        data: Reply = "354 go ahead",
        end: Reply = "554 no valid recipients",
    ):
        self.script = {
            verb: list(reply) if isinstance(reply, list) else [reply]
            for verb, reply in {"MAIL": mail, "RCPT": rcpt, "DATA": data, ".": end}.items()
        }
        self.lines: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _reply(self, verb: str) -> str:
        replies = self.script[verb]
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 scripted ESMTP\r\n")
            in_data = False
            for raw in reader:
                line = raw.decode().rstrip("\r\n")
                self.lines.append(line)
                if in_data:
                    if line == ".":
                        in_data = False
                        reply = self._reply(".")
                        conn.sendall(reply.encode() + b"\r\n")
                        if reply.startswith("421"):  # closing: the server hangs up
                            return
                    continue
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    conn.sendall(b"250-scripted\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n")
                elif verb in self.script:
                    reply = self._reply(verb)
                    conn.sendall(reply.encode() + b"\r\n")
                    in_data = verb == "DATA" and reply.startswith("354")
                    if reply.startswith("421"):
                        return
                elif verb == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 OK\r\n")

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


def test_data_opened_after_a_refused_recipient_is_ended_empty_and_the_refusal_raised():
    server = ScriptedServer(mail="250 OK", rcpt="550 no such user", data="354 go ahead")
    connection = smtplib.SMTP("127.0.0.1", server.port)
    try:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            newsletter_smtp.send(
                connection, sender=SENDER, recipient="gone@mail.example", data=BODY
            )
        connection.quit()
    finally:
        server.close()

    assert refused.value.recipients["gone@mail.example"][0] == 550
    verbs = [line.split(" ", 1)[0].upper() for line in server.lines]
    assert verbs[:4] == ["EHLO", "MAIL", "RCPT", "DATA"]
    assert verbs[4:] == [".", "RSET", "QUIT"]  # an empty message end, never the message itself


def test_a_421_then_a_hang_up_raises_the_servers_reason():
    server = ScriptedServer(mail="421 shutting down")
    connection = smtplib.SMTP("127.0.0.1", server.port)
    try:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            newsletter_smtp.send(
                connection, sender=SENDER, recipient="reader@mail.example", data=BODY
            )
    finally:
        server.close()

    assert refused.value.smtp_code == 421
    assert connection.sock is None  # closed, as sendmail closes on 421
