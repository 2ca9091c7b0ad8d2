"""Setting up an authenticator app: the key belongs to one session, never to a shared row.

The attack these tests pin: someone with only the password opens the setup page, copies the key
and leaves; if a later session of the real user showed the same key, the real user would confirm
it and the attacker could compute codes for ever."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cityrelations.mfa import policy
from cityrelations.mfa.testing import totp_code_for_secret

from ..factories import UserFactory
from .test_mfa import confirm_totp, password_login

pytestmark = pytest.mark.django_db

SETUP = "mfa:totp_setup"


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.STAFF_REQUIRE_2FA = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def anna(db):
    return UserFactory(username="anna")


def test_a_key_seen_with_the_password_alone_is_useless_to_the_attacker(anna):
    attacker = Client()
    password_login(attacker, anna)
    planted = attacker.get(reverse(SETUP)).context["secret"]
    attacker.post(reverse("logout"))

    user = Client()
    password_login(user, anna)
    page = user.get(reverse(SETUP))
    assert page.context["secret"] != planted
    assert confirm_totp(user, page).status_code == 302
    assert TOTPDevice.objects.get(user=anna).confirmed

    # The attacker comes back with the password and a code from the key they copied.
    attacker = Client()
    password_login(attacker, anna)
    for step in (0, 1):
        response = attacker.post(
            reverse("mfa:verify"), {"code": totp_code_for_secret(planted, step=step)}
        )
        assert response.status_code == 200
    assert attacker.get("/").url.startswith(reverse("mfa:verify"))


def test_the_attacker_still_logged_in_cannot_confirm_for_the_user(anna):
    """Both sessions at once: each has its own key, and the page never shows another's."""
    attacker, user = Client(), Client()
    password_login(attacker, anna)
    password_login(user, anna)
    attacker_page = attacker.get(reverse(SETUP))
    user_page = user.get(reverse(SETUP))
    assert attacker_page.context["secret"] != user_page.context["secret"]
    # The user's app code means nothing on the attacker's page and vice versa.
    user_code = totp_code_for_secret(user_page.context["secret"])
    response = attacker.post(
        reverse(SETUP), {"code": user_code, "key_id": attacker_page.context["key_id"]}
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=anna).exists()
    assert confirm_totp(user, user_page).status_code == 302
    device = TOTPDevice.objects.get(user=anna)
    assert user_page.context["secret"].replace(" ", "") in device.config_url


def test_setting_up_creates_no_device_until_the_code_is_confirmed(anna):
    client = Client()
    password_login(client, anna)
    first = client.get(reverse(SETUP))
    assert not TOTPDevice.objects.filter(user=anna).exists()
    # Reloading the page keeps the key of this session (an app that scanned it still works).
    assert client.get(reverse(SETUP)).context["secret"] == first.context["secret"]


def test_two_tabs_show_the_same_key_and_the_first_confirmation_wins(anna):
    client = Client()
    password_login(client, anna)
    tab_one = client.get(reverse(SETUP))
    tab_two = client.get(reverse(SETUP))
    assert tab_one.context["secret"] == tab_two.context["secret"]
    assert confirm_totp(client, tab_two).url == reverse("mfa:recovery_codes_new")
    client.get(reverse("mfa:recovery_codes_new"))
    response = confirm_totp(
        client, tab_one, code=totp_code_for_secret(tab_one.context["secret"], step=1)
    )
    assert response.status_code == 302 and response.url == reverse("mfa:manage")
    assert TOTPDevice.objects.filter(user=anna).count() == 1


def test_a_page_from_an_earlier_session_says_its_key_expired(anna):
    old = Client()
    password_login(old, anna)
    stale_page = old.get(reverse(SETUP))
    old.post(reverse("logout"))
    password_login(old, anna)  # the same browser signs in again: a fresh setup
    fresh_page = old.get(reverse(SETUP))
    assert fresh_page.context["secret"] != stale_page.context["secret"]
    response = confirm_totp(old, stale_page)
    assert response.status_code == 200
    assert "This key has expired" in response.content.decode()
    assert response.context["secret"] == fresh_page.context["secret"]
    assert not TOTPDevice.objects.filter(user=anna).exists()


def test_the_confirming_code_cannot_be_used_again_at_the_second_step(anna):
    client = Client()
    password_login(client, anna)
    page = client.get(reverse(SETUP))
    code = totp_code_for_secret(page.context["secret"])
    confirm_totp(client, page, code=code)
    other = Client()
    password_login(other, anna)
    assert other.post(reverse("mfa:verify"), {"code": code}).status_code == 200


def test_confirming_while_unverified_verifies_with_a_new_session_key(anna):
    client = Client()
    password_login(client, anna)
    page = client.get(reverse(SETUP))
    before = client.session.session_key
    confirm_totp(client, page)
    assert client.session.session_key != before
    assert policy.TOTP_SETUP_KEY_SESSION_KEY not in client.session
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("when", ["login", "logout"])
def test_unconfirmed_devices_left_behind_are_deleted(anna, when):
    """Rows an earlier version left (one unconfirmed device shared by all sessions)."""
    client = Client()
    if when == "logout":
        password_login(client, anna)
    TOTPDevice.objects.create(user=anna, name=policy.TOTP_NAME, confirmed=False)
    if when == "login":
        password_login(client, anna)
    else:
        client.post(reverse("logout"))
    assert not TOTPDevice.objects.filter(user=anna).exists()
