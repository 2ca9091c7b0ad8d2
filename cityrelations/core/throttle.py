"""How often a public form that sends email may be used: per address and per client network.

The subscribe form (newsletters) and the password-reset form both send mail to an address a
stranger types in, so both are limited the same way: each attempt counts once against the
address (one person retrying, or someone mail-bombing one inbox) and once against the client
(a script trying many addresses). Counters are fixed windows in the shared cache (Redis in the
full stack), so every web process counts together.

What counts as "the same" is chosen so a bomber cannot get around it cheaply:

* the address is compared lower-case and without a ``+tag`` in its local part:
  ``Victim+1@mail.example`` and ``victim+2@mail.example`` reach the same inbox;
* an IPv6 client counts per /64 network (one subscriber line gets a whole /64 and may use any
  address in it); an IPv4 client counts per address, since a /24 is often many people.

The client's address is the one ``client_ip`` reads through ``TRUSTED_PROXIES``.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

IPV6_PREFIX = 64


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: int  # seconds


def normalised_address(email: str) -> str:
    """The inbox an address reaches, for counting only: lower-case, any ``+tag`` dropped."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    untagged = local.split("+", 1)[0]
    return f"{untagged or local}@{domain}"


def client_network(ip: str | None) -> str:
    """The unit an IP is counted in: the address for IPv4, its /64 for IPv6."""
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def _count(key: str, window: int) -> int:
    """This window's attempts, this one included."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def attempt_allowed(
    *, scope: str, email: str, ip: str | None, per_address: Limit, per_ip: Limit
) -> bool:
    """Count one attempt for the address and the client; ``False`` when either is over its
    limit. Both are counted either way, so a client that keeps trying stays over."""
    # Hashed: the cache holds no addresses.
    address = hashlib.sha256(normalised_address(email).encode()).hexdigest()
    address_count = _count(f"{scope}:address:{address}", per_address.window)
    ip_count = _count(f"{scope}:ip:{client_network(ip)}", per_ip.window)
    return address_count <= per_address.attempts and ip_count <= per_ip.attempts


def password_reset_allowed(*, email: str, ip: str | None) -> bool:
    """The password-reset form's limits (settings ``PASSWORD_RESET_LIMIT_PER_ADDRESS`` /
    ``PASSWORD_RESET_ADDRESS_WINDOW_SECONDS``, ``PASSWORD_RESET_LIMIT_PER_IP`` /
    ``PASSWORD_RESET_IP_WINDOW_SECONDS``): 3 emails an hour per address, 20 requests per 10
    minutes per client by default. Counted whether an account exists or not, like the answer."""
    return attempt_allowed(
        scope="accounts:password_reset",
        email=email,
        ip=ip,
        per_address=Limit(
            settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            settings.PASSWORD_RESET_ADDRESS_WINDOW_SECONDS,
        ),
        per_ip=Limit(
            settings.PASSWORD_RESET_LIMIT_PER_IP, settings.PASSWORD_RESET_IP_WINDOW_SECONDS
        ),
    )
