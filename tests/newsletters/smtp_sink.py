"""A real SMTP server for sending tests: aiosmtpd on 127.0.0.1 and a free port, in a thread.

It records every accepted message (recipient, arrival time, parsed message) and can be told to
refuse recipients: ``sink.refuse("a@x", 550)`` always, ``sink.refuse("b@x", 451, times=1)`` once
(then accept), to exercise permanent and transient errors.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
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
    received: list[Received] = field(default_factory=list)
    refusals: dict[str, _Refusal] = field(default_factory=dict)
    refused: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

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
                self.received.append(Received(recipient.lower(), now, envelope.content))
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
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
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
