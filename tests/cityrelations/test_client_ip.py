"""The client's address behind a reverse proxy: X-Forwarded-For is believed only from the proxies
in ``TRUSTED_PROXIES``, for the login lockout (django-axes) as for everything else, and only a
trusted proxy can say that the request came over HTTPS."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from cityrelations.core.client_ip import client_ip

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.20"
LOGIN = "/accounts/login/"


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_nobody_is_trusted_by_default(settings):
    assert settings.TRUSTED_PROXIES == []
    assert _ip(ATTACKER, forwarded="192.0.2.1") == ATTACKER
    assert _ip(PROXY, forwarded=COLLEAGUE) == PROXY


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (ATTACKER, COLLEAGUE, ATTACKER),  # an untrusted peer's header is ignored
        (PROXY, COLLEAGUE, COLLEAGUE),
        (PROXY, f"192.0.2.1, {COLLEAGUE}", COLLEAGUE),  # the client's own left part is ignored
        (PROXY, f"{COLLEAGUE}, 10.0.0.9", COLLEAGUE),  # two trusted proxies in a row
        (PROXY, f"{COLLEAGUE}:51000", COLLEAGUE),  # with a port
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, f"192.0.2.1, garbage, {COLLEAGUE}", COLLEAGUE),
        (PROXY, "garbage", PROXY),  # unreadable: the proxy itself, never a guess
        (PROXY, "", PROXY),
        (PROXY, None, PROXY),
        (f"::ffff:{ATTACKER}", COLLEAGUE, ATTACKER),
        ("", COLLEAGUE, None),
    ],
)
def test_the_right_most_untrusted_address_is_the_client(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(remote, forwarded) == expected


def _fail_login(client: Client, remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "staff", "password": "wrong"}, **headers)


def _login(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(LOGIN, {"username": "staff", "password": "demo"}, **headers)


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_escape_the_lockout(staff_user):
    client = Client()
    for n in range(5):
        _fail_login(client, ATTACKER, forwarded=f"192.0.2.{n}")
    assert _login(ATTACKER, forwarded="192.0.2.200").status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_attacker_does_not_lock_out_a_colleague(settings, staff_user):
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client()
    for _ in range(5):
        _fail_login(client, PROXY, forwarded=ATTACKER)
    assert _login(PROXY, forwarded=ATTACKER).status_code == 429
    response = _login(PROXY, forwarded=COLLEAGUE)
    assert response.status_code == 302  # signed in (not locked out: 429)


@pytest.mark.django_db
def test_only_a_trusted_proxy_can_say_https(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    direct = Client().get(LOGIN, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301 and direct.url.startswith("https://")
    proxied = Client().get(LOGIN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
