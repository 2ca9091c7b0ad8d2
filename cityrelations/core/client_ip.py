"""The client's address, read through the reverse proxies named in ``TRUSTED_PROXIES``.

``REMOTE_ADDR`` is the peer that opened the connection: the proxy itself in every real
deployment. ``X-Forwarded-For`` says who the proxy talked to, but anyone can send that header, so
it is read only when the peer is a trusted proxy, and then from the right: each trusted proxy
appends the address it saw, so the right-most address that is not a trusted proxy is the client.
Everything to its left was written by the client and is not believed.

One function serves the rate limits, the consent record and django-axes
(``AXES_CLIENT_IP_CALLABLE``); the middleware keeps untrusted peers from claiming HTTPS, and
gunicorn gets the same list (``gunicorn_forwarded_allow_ips``, used by ``deploy/start``).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """``TRUSTED_PROXIES`` as networks; raises ``ValueError`` naming a bad entry."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def trusted_networks() -> tuple[IPNetwork, ...]:
    return _trusted(tuple(settings.TRUSTED_PROXIES))


def _parse_address(value: str) -> IPAddress | None:
    """An address as proxies write it: plain, or with a port ("1.2.3.4:80", "[::1]:80")."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or ``None`` when the peer's address is unknown."""
    peer = _parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = trusted_networks()
    if not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",") if forwarded else []):
        address = _parse_address(hop)
        if address is None:
            # A trusted proxy wrote something unreadable: stop at the last hop we can vouch for.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def from_trusted_proxy(request: HttpRequest) -> bool:
    peer = _parse_address(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and _is_trusted(peer, trusted_networks())


class TrustedProxyMiddleware:
    """Drops X-Forwarded-Proto unless a trusted proxy sent it, so that ``SECURE_PROXY_SSL_HEADER``
    (set only when ``TRUSTED_PROXIES`` is) cannot be claimed by a client talking to us directly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_PROTO" in request.META and not from_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


# gunicorn's "nobody": the unspecified address is never a connection's peer. (An empty list
# would do as well on current gunicorn, but its meaning is not documented.)
GUNICORN_TRUST_NOBODY = "0.0.0.0"


def gunicorn_forwarded_allow_ips(entries: Iterable[str]) -> str:
    """``TRUSTED_PROXIES`` as gunicorn's ``--forwarded-allow-ips``.

    gunicorn decides HTTPS itself (``wsgi.url_scheme``) from X-Forwarded-Proto/-Ssl/-Protocol
    sent by the peers it trusts, 127.0.0.1 and ::1 unless told otherwise, and Django believes
    it: so it must trust exactly the proxies the app trusts, and nobody when they are none.
    gunicorn parses networks strictly, so "10.0.0.5/24" is passed as "10.0.0.0/24"."""
    allowed = [
        str(net.network_address) if net.num_addresses == 1 else str(net)
        for net in parse_networks(entries)
    ]
    return ",".join(allowed) or GUNICORN_TRUST_NOBODY


def print_gunicorn_forwarded_allow_ips() -> None:
    """For ``deploy/start``: the value from the settings (environment, ``.env``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrelations.settings")
    print(gunicorn_forwarded_allow_ips(settings.TRUSTED_PROXIES))
