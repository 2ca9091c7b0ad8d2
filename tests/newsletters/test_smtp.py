"""``newsletters.smtp.send`` against a real aiosmtpd server, with and without PIPELINING: what
arrives, what a refusal raises (smtplib's own exceptions, the connection still usable), and
that ``before_end`` runs before the server can accept the message."""

from __future__ import annotations

import smtplib

import pytest

from newsletters import smtp as newsletter_smtp

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

    newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY)
    newsletter_smtp.send(connection, SENDER, "second@mail.example", BODY.rstrip(b"\r\n"))

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
        SENDER,
        "reader@mail.example",
        BODY,
        before_end=lambda: seen.append(sink.count()),
    )

    assert seen == [0]  # called once, while the message was not yet accepted
    assert sink.count() == 1


def test_a_failing_before_end_delivers_nothing_and_drops_the_connection(server):
    sink, connection, _ = server

    def fail() -> None:
        raise RuntimeError("the previous mark was not recorded")

    with pytest.raises(RuntimeError):
        newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY, before_end=fail)

    assert connection.sock is None
    assert sink.count() == 0


@pytest.mark.parametrize(("code", "error"), [(550, "550"), (451, "451")])
def test_a_refused_recipient_raises_and_the_next_message_still_goes(server, code, error):
    sink, connection, _ = server
    sink.refuse("gone@mail.example", code)
    called: list[bool] = []

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        newsletter_smtp.send(
            connection, SENDER, "gone@mail.example", BODY, before_end=lambda: called.append(True)
        )
    newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY)

    assert refused.value.recipients["gone@mail.example"][0] == code
    assert error in str(refused.value)
    assert called == []  # nothing was on its way to acceptance
    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


def test_a_refused_message_raises_a_data_error_and_the_connection_goes_on(server):
    sink, connection, _ = server
    sink.refuse_data("spam-trap@mail.example", 554)

    with pytest.raises(smtplib.SMTPDataError) as refused:
        newsletter_smtp.send(connection, SENDER, "spam-trap@mail.example", BODY)
    newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY)

    assert refused.value.smtp_code == 554
    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


@pytest.mark.parametrize("address", ["reader@mail.example\r\nRCPT TO:<x@evil.example>", "a\nb"])
def test_a_newline_in_an_address_is_refused_before_anything_is_sent(server, address):
    sink, connection, _ = server

    with pytest.raises(ValueError, match="newline"):
        newsletter_smtp.send(connection, SENDER, address, BODY)
    newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY)

    assert [r.recipient for r in sink.received] == ["reader@mail.example"]


def test_a_disconnected_server_raises_what_smtplib_raises(server):
    sink, connection, _ = server
    connection.close()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        newsletter_smtp.send(connection, SENDER, "reader@mail.example", BODY)
    assert sink.count() == 0
