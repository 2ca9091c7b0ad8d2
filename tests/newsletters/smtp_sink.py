"""A real SMTP server for sending tests: aiosmtpd on 127.0.0.1 and a free port, in a thread.

It records every accepted message (recipient, arrival time, parsed message) and can be told to
refuse recipients: ``sink.refuse("a@x", 550)`` always, ``sink.refuse("b@x", 451, times=1)`` once
(then accept), to exercise permanent and transient errors; ``sink.refuse_data("c@x", 554)``
refuses the message itself after its final line. ``smtp_sink(pipelining=True)`` advertises
PIPELINING (RFC 2920) like a production MTA, and counts the commands that arrived together.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # one INFO line per SMTP command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    recipient: str
    at: float
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class _Refusal:
    code: int
    times: int | None  # None: always


@dataclass
class SinkHandler:
    pipelining: bool = False
    received: list[Received] = field(default_factory=list)
    refusals: dict[str, _Refusal] = field(default_factory=dict)
    data_refusals: dict[str, _Refusal] = field(default_factory=dict)
    refused: list[tuple[str, int]] = field(default_factory=list)
    pipelined_envelopes: int = 0
    on_accept: Callable[[str], None] | None = None  # called (in the sink's thread) before "250"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            return [*responses[:-1], "250-PIPELINING", responses[-1]]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # A pipelined envelope is already in the buffer when MAIL is read.
        session.pipelined = b"DATA" in server._reader._buffer.upper()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            refusal = self.refusals.get(address.lower())
            if refusal is not None and (refusal.times is None or refusal.times > 0):
                if refusal.times is not None:
                    refusal.times -= 1
                self.refused.append((address, refusal.code))
                text = "mailbox unavailable" if refusal.code >= 500 else "try again later"
                return f"{refusal.code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        with self.lock:
            for recipient in envelope.rcpt_tos:
                refusal = self.data_refusals.get(recipient.lower())
                if refusal is not None and (refusal.times is None or refusal.times > 0):
                    if refusal.times is not None:
                        refusal.times -= 1
                    self.refused.append((recipient, refusal.code))
                    return f"{refusal.code} message refused"
            self.pipelined_envelopes += int(getattr(session, "pipelined", False))
            if self.on_accept is not None:
                for recipient in envelope.rcpt_tos:
                    self.on_accept(recipient.lower())
            for recipient in envelope.rcpt_tos:
                self.received.append(Received(recipient.lower(), now, envelope.content))
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, *, pipelining: bool = False) -> None:
        self.handler = SinkHandler(pipelining=pipelining)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def refuse(self, address: str, code: int, *, times: int | None = None) -> None:
        with self.handler.lock:
            self.handler.refusals[address.lower()] = _Refusal(code, times)

    def refuse_data(self, address: str, code: int, *, times: int | None = None) -> None:
        with self.handler.lock:
            self.handler.data_refusals[address.lower()] = _Refusal(code, times)

    @property
    def pipelined_envelopes(self) -> int:
        """How many accepted messages had MAIL, RCPT and DATA arrive in one write."""
        with self.handler.lock:
            return self.handler.pipelined_envelopes

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.received)

    def recipients(self) -> Counter[str]:
        return Counter(item.recipient for item in self.received)

    def wait_for(self, count: int, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.05)
        return False


@contextmanager
def smtp_sink(*, pipelining: bool = False) -> Iterator[SmtpSink]:
    sink = SmtpSink(pipelining=pipelining).start()
    try:
        yield sink
    finally:
        sink.stop()
