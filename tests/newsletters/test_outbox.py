"""``sending.smtp.Outbox`` against a real aiosmtpd server that advertises PIPELINING: each
message's end goes out in the same write as the next envelope, every message arrives intact and
in order, the previous message is accepted (and reported) before the next one's final line can
go, and refusals come back per message while the connection goes on."""

from __future__ import annotations

import smtplib
import time

import pytest

from newsletters.sending.smtp import MessageRefused, Outbox

from .smtp_sink import smtp_sink
from .test_smtp import BODY, SENDER, ScriptedServer, lines


@pytest.fixture
def sink():
    with smtp_sink(pipelining=True) as server:
        yield server


@pytest.fixture
def connection(sink):
    smtp = smtplib.SMTP("127.0.0.1", sink.port)
    yield smtp
    smtp.close()


def counting_writes(connection: smtplib.SMTP) -> list[bytes]:
    """Record every write the client makes on the connection."""
    writes: list[bytes] = []
    original = connection.send

    def send(data):
        writes.append(data if isinstance(data, bytes) else data.encode())
        return original(data)

    connection.send = send  # type: ignore[method-assign]
    return writes


def test_messages_arrive_intact_in_order_with_one_write_each(sink, connection):
    accepted: list[int] = []
    outbox = Outbox(connection, on_accepted=accepted.append)
    writes = counting_writes(connection)
    recipients = [f"reader{i}@mail.example" for i in range(5)]

    refused = [
        outbox.put(i, sender=SENDER, recipient=r, data=BODY) for i, r in enumerate(recipients)
    ]
    refused.append(outbox.flush())

    assert refused == [[]] * 6
    assert accepted == [0, 1, 2, 3, 4]
    assert [r.recipient for r in sink.received] == recipients
    assert all(lines(r.raw) == lines(BODY) for r in sink.received)
    assert len(writes) == 6  # one per message, and one to end the last
    assert writes[1].startswith(b"From: ") and b"\r\n.\r\nmail FROM:" in writes[1]
    assert writes[-1].endswith(b"\r\n.\r\n")
    assert sink.pipelined_envelopes == 5
    assert outbox.idle


def settled(sink) -> int:
    """The sink's count once anything still on its way has had time to arrive."""
    time.sleep(0.3)
    return sink.count()


def test_the_previous_message_is_reported_before_the_next_one_can_be_accepted(sink, connection):
    events: list[tuple[str, int, int]] = []
    outbox = Outbox(
        connection,
        on_accepted=lambda tag: events.append(("accepted", tag, sink.count())),
        before_end=lambda: events.append(("before end", ends_written(), sink.count())),
    )
    writes = counting_writes(connection)

    def ends_written() -> int:
        return sum(w.count(b"\r\n.\r\n") for w in writes)

    for i in range(3):
        outbox.put(i, sender=SENDER, recipient=f"reader{i}@mail.example", data=BODY)
    outbox.flush()

    assert events == [
        ("before end", 0, 0),  # message 0 is about to end: no final line written yet
        ("accepted", 0, 1),
        ("before end", 1, 1),  # message 1 ends only after message 0 was reported
        ("accepted", 1, 2),
        ("before end", 2, 2),
        ("accepted", 2, 3),
    ]


def test_a_refused_recipient_comes_back_and_the_others_go(sink, connection):
    sink.refuse("gone@mail.example", 550)
    accepted: list[str] = []
    outbox = Outbox(connection, on_accepted=accepted.append)

    results = {
        address: outbox.put(address, sender=SENDER, recipient=address, data=BODY)
        for address in ("first@mail.example", "gone@mail.example", "last@mail.example")
    }
    results["(flush)"] = outbox.flush()

    [(tag, error)] = results["gone@mail.example"]
    assert tag == "gone@mail.example"
    assert isinstance(error, smtplib.SMTPRecipientsRefused)
    assert error.recipients["gone@mail.example"][0] == 550
    assert results["first@mail.example"] == results["last@mail.example"] == []
    assert accepted == ["first@mail.example", "last@mail.example"]
    assert [r.recipient for r in sink.received] == ["first@mail.example", "last@mail.example"]


@pytest.mark.parametrize("code", [554, 451])
def test_a_message_refused_at_its_end_comes_back_with_the_next_put(sink, connection, code):
    sink.refuse_data("trap@mail.example", code)
    accepted: list[str] = []
    outbox = Outbox(connection, on_accepted=accepted.append)

    assert outbox.put("trap", sender=SENDER, recipient="trap@mail.example", data=BODY) == []
    refused = outbox.put("next", sender=SENDER, recipient="next@mail.example", data=BODY)
    assert outbox.flush() == []

    [(tag, error)] = refused
    assert tag == "trap"
    assert isinstance(error, MessageRefused) and error.smtp_code == code
    assert accepted == ["next"]  # no RSET needed: the end of the data cleared the transaction
    assert [r.recipient for r in sink.received] == ["next@mail.example"]


@pytest.mark.parametrize("address", ["reader@mail.example\r\nRCPT TO:<x@evil.example>", "a\nb"])
def test_a_newline_in_an_address_is_refused_and_nothing_is_written(sink, connection, address):
    accepted: list[str] = []
    outbox = Outbox(connection, on_accepted=accepted.append)
    outbox.put("first", sender=SENDER, recipient="first@mail.example", data=BODY)
    writes = counting_writes(connection)

    [(tag, error)] = outbox.put("bad", sender=SENDER, recipient=address, data=BODY)
    outbox.put("last", sender=SENDER, recipient="last@mail.example", data=BODY)
    outbox.flush()

    assert tag == "bad" and isinstance(error, ValueError)
    assert all(b"evil" not in w and b"a\nb" not in w for w in writes)
    assert accepted == ["first", "last"]


def test_a_failing_before_end_drops_the_connection_and_the_open_message(sink, connection):
    accepted: list[int] = []
    calls = 0

    def before_end() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the previous mark was not recorded")

    outbox = Outbox(connection, on_accepted=accepted.append, before_end=before_end)
    outbox.put(0, sender=SENDER, recipient="first@mail.example", data=BODY)
    outbox.put(1, sender=SENDER, recipient="second@mail.example", data=BODY)

    with pytest.raises(RuntimeError):
        outbox.put(2, sender=SENDER, recipient="third@mail.example", data=BODY)

    assert connection.sock is None
    assert outbox.idle
    assert accepted == [0]
    assert settled(sink) == 1  # never the second
    assert [r.recipient for r in sink.received] == ["first@mail.example"]


def test_abort_drops_an_open_message_undelivered(sink, connection):
    outbox = Outbox(connection, on_accepted=lambda tag: None)
    outbox.put(0, sender=SENDER, recipient="first@mail.example", data=BODY)

    outbox.abort()

    assert connection.sock is None
    assert settled(sink) == 0


def test_a_server_without_pipelining_is_refused():
    with smtp_sink(pipelining=False) as sink:
        connection = smtplib.SMTP("127.0.0.1", sink.port)
        try:
            with pytest.raises(ValueError, match="PIPELINING"):
                Outbox(connection, on_accepted=lambda tag: None)
        finally:
            connection.close()


def test_a_421_at_the_end_of_a_message_raises_and_closes_the_connection():
    server = ScriptedServer(end="421 shutting down")
    connection = smtplib.SMTP("127.0.0.1", server.port)
    try:
        outbox = Outbox(connection, on_accepted=lambda tag: None)
        outbox.put(0, sender=SENDER, recipient="first@mail.example", data=BODY)
        with pytest.raises(MessageRefused) as error:
            outbox.put(1, sender=SENDER, recipient="second@mail.example", data=BODY)
    finally:
        server.close()

    assert error.value.smtp_code == 421
    assert connection.sock is None
    assert outbox.idle


def test_a_421_to_an_envelope_comes_back_after_the_previous_messages_refusal():
    """The server refuses message 0 at its end, then answers 421 to message 1's MAIL and hangs
    up: both verdicts come back, in order, and the connection is closed."""
    server = ScriptedServer(mail=["250 OK", "421 shutting down"], end="554 rejected")
    connection = smtplib.SMTP("127.0.0.1", server.port)
    try:
        outbox = Outbox(connection, on_accepted=lambda tag: None)
        assert outbox.put(0, sender=SENDER, recipient="first@mail.example", data=BODY) == []
        refused = outbox.put(1, sender=SENDER, recipient="second@mail.example", data=BODY)
    finally:
        server.close()

    [(first, first_error), (second, second_error)] = refused
    assert (first, type(first_error), first_error.smtp_code) == (0, MessageRefused, 554)
    assert (second, type(second_error)) == (1, smtplib.SMTPSenderRefused)
    assert second_error.smtp_code == 421
    assert connection.sock is None
