"""A counting SMTP sink for ``manage.py bench_sending``: aiosmtpd in its own process, accepting
everything and keeping nothing but a count (printed on SIGTERM). It advertises PIPELINING like a
production MTA.

    python -m newsletters.bench.sink PORT
"""

from __future__ import annotations

import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        """Advertise PIPELINING (RFC 2920), as Postfix, Exim and providers' relays do; aiosmtpd
        reads commands in order from its buffer, so it handles a pipelined envelope."""
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(  # aiosmtpd names its hooks so
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.count += len(envelope.rcpt_tos)
        return "250 OK"


def main() -> None:
    port = int(sys.argv[1])
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(f"received {handler.count}", flush=True)


if __name__ == "__main__":
    main()
