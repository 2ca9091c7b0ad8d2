"""Two-factor journeys in headless Chromium: enrol an authenticator app and log in again with
a code; register a passkey (Chromium's virtual authenticator) and log in again with it."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.views.i18n import JavaScriptCatalog
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from cityrelations.mfa.testing import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return str(totp(key)).zfill(6)


@pytest.fixture
def late_translation_catalog(monkeypatch):
    """django-otp-webauthn's buttons call gettext from its JavaScript catalogue, a dynamic response
    that can arrive well after the static scripts (a busy server, a slow line). Serve it late
    (in the live server's thread) so a page that shows a button before its catalogue is caught."""
    serve = JavaScriptCatalog.get

    def late(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(2)
        return serve(self, request, *args, **kwargs)

    monkeypatch.setattr(JavaScriptCatalog, "get", late)


def _open_two_factor_page(page, user) -> None:
    page.get_by_role("button", name=user.get_full_name()).click()  # the user menu
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()


def test_staff_enrols_an_authenticator_app_and_logs_in_with_a_code(
    page, live_server, login, staff_user
):
    login(page, live_server, "staff")
    _open_two_factor_page(page, staff_user)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code from the app").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("Set up on")).to_be_visible()

    login(page, live_server, "staff")  # a fresh session: password, then the second step
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.goto(f"{live_server.url}/partners/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/\?next=%2Fpartners%2F"))
    device = TOTPDevice.objects.get(user=staff_user, confirmed=True)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/partners/$"))
    assert page.console_errors == []


def test_staff_registers_a_passkey_and_logs_in_with_it(
    page, live_server, login, staff_user, settings, late_translation_catalog
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    login(page, live_server, "staff")
    _open_two_factor_page(page, staff_user)
    page.locator("#passkey-register-button").click()
    expect(page.get_by_role("link", name="Remove", exact=True)).to_be_visible()

    login(page, live_server, "staff")  # waits for the page to load, catalogue included
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.goto(page.url, wait_until="commit")  # again, and click as soon as the button shows
    page.locator("#passkey-verification-button").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert page.console_errors == []
