"""How often the public subscribe form may be used: per address and per client IP.

Each attempt that would store something or send an email counts once against the address (one
person retrying, or someone mail-bombing one inbox: 3 an hour by default) and once against the
client's IP (30 per 10 minutes by default: a whole office or a city-hall stand behind one
address stays well under it). Invalid forms and the honeypot cost nothing and do not count, so
typing mistakes at a shared stand never lock it out. The IP is the one ``client_ip`` reads
through ``TRUSTED_PROXIES``, never a proxy's. Counters are fixed windows in the shared cache
(Redis in the full stack), so every web process counts together. Limits: settings
``SUBSCRIBE_LIMIT_PER_ADDRESS`` / ``SUBSCRIBE_ADDRESS_WINDOW_SECONDS`` and
``SUBSCRIBE_LIMIT_PER_IP`` / ``SUBSCRIBE_IP_WINDOW_SECONDS``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .models import email_hash

KEY_PREFIX = "newsletters:subscribe"


def _count(key: str, window: int) -> int:
    """This window's attempts, this one included."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def subscribe_attempt_allowed(*, email: str, ip: str | None) -> bool:
    """Count one attempt for the address and the IP; ``False`` when either is over its limit."""
    per_address = _count(
        f"{KEY_PREFIX}:address:{email_hash(email)}", settings.SUBSCRIBE_ADDRESS_WINDOW_SECONDS
    )
    per_ip = _count(f"{KEY_PREFIX}:ip:{ip or 'unknown'}", settings.SUBSCRIBE_IP_WINDOW_SECONDS)
    return (
        per_address <= settings.SUBSCRIBE_LIMIT_PER_ADDRESS
        and per_ip <= settings.SUBSCRIBE_LIMIT_PER_IP
    )
