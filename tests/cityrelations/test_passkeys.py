"""Passkey (WebAuthn) endpoints: reachable for the right user, closed to everyone else.

The full ceremony (a real browser with a virtual authenticator) is in
tests/e2e/test_two_factor.py; here the permission checks of each endpoint."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from cityrelations.mfa.testing import give_totp_device, login_verified

pytestmark = pytest.mark.django_db

REGISTER_BEGIN = "otp_webauthn:credential-registration-begin"
REGISTER_COMPLETE = "otp_webauthn:credential-registration-complete"
AUTH_BEGIN = "otp_webauthn:credential-authentication-begin"
AUTH_COMPLETE = "otp_webauthn:credential-authentication-complete"


def _post(client: Client, name: str, data: dict | None = None):
    return client.post(reverse(name), json.dumps(data or {}), content_type="application/json")


@pytest.mark.parametrize("name", [REGISTER_BEGIN, REGISTER_COMPLETE, AUTH_BEGIN, AUTH_COMPLETE])
def test_anonymous_users_are_sent_to_log_in(anonymous_client, name):
    response = _post(anonymous_client, name)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_device_may_start_registering(settings, staff_client):
    response = _post(staff_client, REGISTER_BEGIN)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID
    assert options["challenge"]


def test_a_verified_user_may_start_registering(staff_user):
    client = Client()
    login_verified(client, staff_user)
    assert _post(client, REGISTER_BEGIN).status_code == 200


def test_a_user_pending_the_second_step_may_not_register(staff_user):
    give_totp_device(staff_user)
    client = Client()
    client.post(reverse("login"), {"username": staff_user.username, "password": "demo"})
    for name in (REGISTER_BEGIN, REGISTER_COMPLETE):
        response = _post(client, name)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("mfa:verify")), name


def test_a_user_pending_the_second_step_may_start_a_passkey_check(staff_user):
    give_totp_device(staff_user)
    client = Client()
    client.post(reverse("login"), {"username": staff_user.username, "password": "demo"})
    assert _post(client, AUTH_BEGIN).status_code == 200


def test_completing_without_a_started_ceremony_is_refused(staff_client):
    for name in (REGISTER_COMPLETE, AUTH_COMPLETE):
        response = _post(staff_client, name, {"id": "x"})
        assert 400 <= response.status_code < 500, name


def test_passwordless_login_is_off(settings):
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
