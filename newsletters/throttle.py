"""How often the public subscribe form may be used: per address and per client IP.

Each attempt that would store something or send an email counts once against the address (one
person retrying, or someone mail-bombing one inbox: 3 an hour by default) and once against the
client's IP (30 per 10 minutes by default: a whole office or a city-hall stand behind one
address stays well under it). Invalid forms and the honeypot cost nothing and do not count, so
typing mistakes at a shared stand never lock it out. How addresses and IPs are grouped (``+tag``
variants are one address, IPv6 counts per /64) is in ``cityrelations/core/throttle.py``, shared with
the password-reset form. Limits: settings ``SUBSCRIBE_LIMIT_PER_ADDRESS`` /
``SUBSCRIBE_ADDRESS_WINDOW_SECONDS`` and ``SUBSCRIBE_LIMIT_PER_IP`` /
``SUBSCRIBE_IP_WINDOW_SECONDS``.
"""

from __future__ import annotations

from django.conf import settings

from cityrelations.core.throttle import Limit, attempt_allowed

KEY_PREFIX = "newsletters:subscribe"


def subscribe_attempt_allowed(*, email: str, ip: str | None) -> bool:
    """Count one attempt for the address and the IP; ``False`` when either is over its limit."""
    return attempt_allowed(
        scope=KEY_PREFIX,
        email=email,
        ip=ip,
        per_address=Limit(
            settings.SUBSCRIBE_LIMIT_PER_ADDRESS, settings.SUBSCRIBE_ADDRESS_WINDOW_SECONDS
        ),
        per_ip=Limit(settings.SUBSCRIBE_LIMIT_PER_IP, settings.SUBSCRIBE_IP_WINDOW_SECONDS),
    )
