"""Rate limits of the public subscribe form: per address and per client IP, with the client's
address read through trusted proxies only.

A city-hall stand or an office shares one address: ten people subscribing from it must all get
through, typing mistakes must not count, while one address hammered is stopped."""

from __future__ import annotations

import pytest
from django.core import mail

from newsletters.models import Subscriber

pytestmark = pytest.mark.django_db

URL = "/newsletter/subscribe/"
OFFICE = "198.51.100.7"
PROXY = "10.0.0.5"


def _subscribe(client, email: str, *, ip: str = OFFICE, forwarded: str | None = None, **data):
    payload = {"email": email, "name": "Anna", "language": "en", "consent": "on", **data}
    headers = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(URL, payload, **headers)


def test_ten_people_subscribing_from_one_office_all_succeed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            assert _subscribe(client, f"colleague{n}@office.example").status_code == 302
    assert Subscriber.objects.count() == 10
    assert len(mail.outbox) == 10


def test_one_address_hammered_is_limited_from_any_ip(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert _subscribe(client, "victim@mail.example").status_code == 302
        response = _subscribe(client, "Victim@Mail.example", ip="203.0.113.50")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 3  # the fourth confirmation was not sent
    # Someone else at the same office is not affected.
    assert _subscribe(client, "someone.else@office.example").status_code == 302


def test_typing_mistakes_at_a_shared_stand_do_not_count(client):
    for n in range(40):
        response = _subscribe(client, f"typo{n}@", consent="")
        assert response.status_code == 200  # the form again, with its errors
    assert _subscribe(client, "finally@mail.example").status_code == 302


def test_the_limit_per_ip(client, settings):
    settings.SUBSCRIBE_LIMIT_PER_IP = 4
    for n in range(4):
        assert _subscribe(client, f"r{n}@mail.example").status_code == 302
    assert _subscribe(client, "r5@mail.example").status_code == 429
    assert not Subscriber.objects.filter(email="r5@mail.example").exists()
    assert _subscribe(client, "r5@mail.example", ip="203.0.113.9").status_code == 302


def test_the_default_limits():
    from django.conf import settings

    assert settings.SUBSCRIBE_LIMIT_PER_ADDRESS == 3
    assert settings.SUBSCRIBE_ADDRESS_WINDOW_SECONDS == 3600
    assert settings.SUBSCRIBE_LIMIT_PER_IP == 30
    assert settings.SUBSCRIBE_IP_WINDOW_SECONDS == 600


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(client, settings):
    settings.SUBSCRIBE_LIMIT_PER_IP = 2
    for n in range(2):
        assert _subscribe(client, f"s{n}@mail.example", forwarded=f"192.0.2.{n}").status_code == 302
    # A new forged address each time does not buy more attempts.
    assert _subscribe(client, "s3@mail.example", forwarded="192.0.2.99").status_code == 429
    assert Subscriber.objects.get(email="s0@mail.example").consent_ip == OFFICE


def test_a_trusted_proxys_forwarded_for_names_the_client(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SUBSCRIBE_LIMIT_PER_IP = 2
    for n in range(2):
        assert (
            _subscribe(client, f"a{n}@mail.example", ip=PROXY, forwarded=OFFICE).status_code == 302
        )
    assert _subscribe(client, "a3@mail.example", ip=PROXY, forwarded=OFFICE).status_code == 429
    # Another client behind the same proxy has its own count; the spoofed left part is ignored.
    other = _subscribe(client, "b@mail.example", ip=PROXY, forwarded=f"{OFFICE}, 203.0.113.20")
    assert other.status_code == 302
    assert Subscriber.objects.get(email="a0@mail.example").consent_ip == OFFICE
    assert Subscriber.objects.get(email="b@mail.example").consent_ip == "203.0.113.20"


def test_tagged_variants_of_one_address_share_its_limit(client, django_capture_on_commit_callbacks):
    # Each tagged variant reaches the same inbox: they count as one address, from any IP.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            response = _subscribe(client, f"Victim+{n}@mail.example", ip=f"203.0.113.{n + 1}")
            assert response.status_code == 302
        response = _subscribe(client, "victim+3@MAIL.example", ip="203.0.113.99")
    assert response.status_code == 429
    assert len(mail.outbox) == 3
    assert not Subscriber.objects.filter(email__istartswith="victim+3").exists()
    # Another person on the same domain is not affected.
    assert _subscribe(client, "victimson@mail.example", ip="203.0.113.99").status_code == 302


def test_ipv6_clients_are_counted_per_64_network(client, settings):
    settings.SUBSCRIBE_LIMIT_PER_IP = 2
    # One household's /64 hands out as many addresses as it likes: one counter.
    for n, ip in enumerate(["2001:db8:1:2::a", "2001:db8:1:2:ffff:ffff:ffff:1"]):
        assert _subscribe(client, f"v6-{n}@mail.example", ip=ip).status_code == 302
    assert _subscribe(client, "v6-3@mail.example", ip="2001:db8:1:2::3").status_code == 429
    # The neighbouring /64 is someone else.
    assert _subscribe(client, "v6-4@mail.example", ip="2001:db8:1:3::a").status_code == 302
    # The consent record keeps the client's own address.
    assert Subscriber.objects.get(email="v6-0@mail.example").consent_ip == "2001:db8:1:2::a"


def test_ipv4_clients_are_counted_per_address(client, settings):
    settings.SUBSCRIBE_LIMIT_PER_IP = 1
    assert _subscribe(client, "n1@mail.example", ip="198.51.100.1").status_code == 302
    assert _subscribe(client, "n2@mail.example", ip="198.51.100.1").status_code == 429
    # The next address in the same /24 (a neighbour, another office) has its own count.
    assert _subscribe(client, "n3@mail.example", ip="198.51.100.2").status_code == 302
