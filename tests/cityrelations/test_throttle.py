"""How the rate limits group addresses and clients (cityrelations/core/throttle.py)."""

from __future__ import annotations

import pytest

from cityrelations.core.throttle import client_network, normalised_address


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("Victim@Mail.example", "victim@mail.example"),
        (" victim+news@mail.example ", "victim@mail.example"),
        ("victim+a+b@mail.example", "victim@mail.example"),
        ("+only-a-tag@mail.example", "+only-a-tag@mail.example"),  # nothing left to strip to
        ("not-an-address", "not-an-address"),
    ],
)
def test_addresses_are_counted_per_inbox(typed, counted):
    assert normalised_address(typed) == counted


@pytest.mark.parametrize(
    ("ip", "counted"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        (None, "unknown"),
    ],
)
def test_clients_are_counted_per_address_or_64(ip, counted):
    assert client_network(ip) == counted
