"""Passkey (WebAuthn) endpoints: reachable for the right user, closed to everyone else.

The full ceremony (a real browser with a virtual authenticator) is in
tests/e2e/test_two_factor.py; here the permission checks of each endpoint, and a check signed by
a software passkey to see the session key change."""

from __future__ import annotations

import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers import bytes_to_base64url

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


class SoftwarePasskey:
    """A passkey held in the test (an EC P-256 key), answering the browser's part of adding a
    passkey and of a check with real data and a real signature, so the library's whole
    verification runs; nothing is mocked."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        numbers = self.private_key.public_key().public_numbers()
        self.cose_key = cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32), -3: numbers.y.to_bytes(32)}
        )

    def stored_for(self, user) -> WebAuthnCredential:
        """The passkey as if the user had added it earlier."""
        return WebAuthnCredential.objects.create(
            user=user,
            name="Test key",
            credential_id=self.credential_id,
            public_key=self.cose_key,
            confirmed=True,
        )

    def register(self, *, challenge: str, rp_id: str, origin: str) -> dict:
        """The browser's answer to navigator.credentials.create() (attestation "none")."""
        client_data = self._client_data("webauthn.create", challenge, origin)
        attested = (
            bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2)
            + self.credential_id
            + self.cose_key
        )
        # rpIdHash, flags (user present and verified, attested credential data), counter 0
        auth_data = hashlib.sha256(rp_id.encode()).digest() + b"\x45" + bytes(4) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        raw_id = bytes_to_base64url(self.credential_id)
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
            },
        }

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin}).encode()

    def answer(self, *, challenge: str, rp_id: str, origin: str) -> dict:
        client_data = self._client_data("webauthn.get", challenge, origin)
        # rpIdHash, flags (user present and verified), signature counter
        authenticator_data = hashlib.sha256(rp_id.encode()).digest() + b"\x05" + (1).to_bytes(4)
        signed = authenticator_data + hashlib.sha256(client_data).digest()
        signature = self.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        raw_id = bytes_to_base64url(self.credential_id)
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(authenticator_data),
                "signature": bytes_to_base64url(signature),
            },
        }


def test_a_passkey_check_verifies_the_session_under_a_new_key(settings, staff_user):
    settings.STAFF_REQUIRE_2FA = False
    passkey = SoftwarePasskey()
    credential = passkey.stored_for(staff_user)
    client = Client()
    client.post(reverse("login"), {"username": staff_user.username, "password": "demo"})
    assert client.get("/").url.startswith(reverse("mfa:verify"))
    options = _post(client, AUTH_BEGIN).json()
    before = client.session.session_key

    answer = passkey.answer(
        challenge=options["challenge"],
        rp_id=settings.OTP_WEBAUTHN_RP_ID,
        origin=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0],
    )
    response = client.post(
        reverse(AUTH_COMPLETE) + "?next=/partners/",
        json.dumps(answer),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    # The JSON the library's script reads, unchanged.
    assert response.json() == {"id": credential.pk, "redirect_url": "/partners/"}
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    # The old session id is not a verified session (nor any session) any more.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/").status_code == 302


def test_adding_a_first_passkey_verifies_the_session_under_a_new_key(settings, staff_user):
    settings.STAFF_REQUIRE_2FA = True  # enrolment is all this session may do
    client = Client()
    client.post(reverse("login"), {"username": staff_user.username, "password": "demo"})
    assert client.get("/").url.startswith(reverse("mfa:manage"))
    options = _post(client, REGISTER_BEGIN).json()
    before = client.session.session_key

    answer = SoftwarePasskey().register(
        challenge=options["challenge"],
        rp_id=settings.OTP_WEBAUTHN_RP_ID,
        origin=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0],
    )
    response = _post(client, REGISTER_COMPLETE, answer)
    assert response.status_code == 200, response.content
    credential = WebAuthnCredential.objects.get(user=staff_user)
    assert response.json() == {"id": credential.pk}  # the JSON the library's script reads
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_adding_a_passkey_to_a_verified_session_keeps_its_key(settings, staff_user):
    client = Client()
    login_verified(client, staff_user)
    options = _post(client, REGISTER_BEGIN).json()
    before = client.session.session_key
    answer = SoftwarePasskey().register(
        challenge=options["challenge"],
        rp_id=settings.OTP_WEBAUTHN_RP_ID,
        origin=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0],
    )
    assert _post(client, REGISTER_COMPLETE, answer).status_code == 200
    assert client.session.session_key == before
