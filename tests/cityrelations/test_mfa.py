"""Second factor through the views: enrolment, the second step of the login, recovery codes,
who must have a factor, removal, and brute-force counting."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cityrelations.core.roles import DIPLOMACY_UNIT
from cityrelations.mfa import devices
from cityrelations.mfa.testing import (
    give_totp_device,
    login_verified,
    totp_code,
    totp_code_for_secret,
)

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/"


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.STAFF_REQUIRE_2FA = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # tests below that need throttling turn it back on


@pytest.fixture
def staff(db):
    user = UserFactory(username="anna")
    user.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    return user


def password_login(client: Client, user, next_url: str = "") -> object:
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": "demo"})
    assert response.status_code == 302, "the password step failed"
    return response


def confirm_totp(client: Client, page, *, code: str | None = None):
    """Submit the setup page's form with a code from an app holding the key it showed."""
    secret, key_id = page.context["secret"], page.context["key_id"]
    code = totp_code_for_secret(secret) if code is None else code
    return client.post(reverse("mfa:totp_setup"), {"code": code, "key_id": key_id})


def wrong_code(good: str) -> str:
    return str((int(good) + 1) % 1_000_000).zfill(6)


def test_enrol_totp_then_log_in_with_a_code(staff):
    client = Client()
    password_login(client, staff)
    assert client.get(DASHBOARD).status_code == 200  # no device, not required: straight in

    page = client.get(reverse("mfa:totp_setup"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()  # only once confirmed

    response = confirm_totp(client, page)
    assert response.url == reverse("mfa:recovery_codes_new")
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    assert page.context["secret"].replace(" ", "") in device.config_url
    codes = client.get(response.url).context["codes"]
    assert len(codes) == devices.RECOVERY_CODE_COUNT
    # Shown once: the page takes them out of the session.
    assert client.get(reverse("mfa:recovery_codes_new")).url == reverse("mfa:manage")

    client.post(reverse("logout"))
    fresh = Client()
    response = password_login(fresh, staff, next_url="/partners/")
    assert fresh.get(response.url).url == reverse("mfa:verify") + "?next=%2Fpartners%2F"
    assert fresh.get(DASHBOARD).status_code == 302
    response = fresh.post(reverse("mfa:verify"), {"code": totp_code(device), "next": "/partners/"})
    assert response.status_code == 302 and response.url == "/partners/"
    assert fresh.get(DASHBOARD).status_code == 200


def test_a_wrong_code_is_refused(staff):
    device = give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    response = client.post(reverse("mfa:verify"), {"code": wrong_code(totp_code(device))})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert client.get(DASHBOARD).url.startswith(reverse("mfa:verify"))


def test_a_wrong_totp_confirmation_leaves_the_device_unconfirmed(staff):
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("mfa:totp_setup"))
    for code in ("000000x", wrong_code(totp_code_for_secret(page.context["secret"]))):
        response = confirm_totp(client, page, code=code)
        assert response.status_code == 200
        assert "That code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert confirm_totp(client, page).status_code == 302  # the same key, still good


def test_a_replayed_code_is_refused(staff):
    device = give_totp_device(staff)
    code = totp_code(device)
    first = Client()
    password_login(first, staff)
    assert first.post(reverse("mfa:verify"), {"code": code}).status_code == 302
    second = Client()
    password_login(second, staff)
    assert second.post(reverse("mfa:verify"), {"code": code}).status_code == 200


def test_a_recovery_code_works_once(staff):
    give_totp_device(staff)
    code = devices.recovery_codes_regenerate(user=staff)[0]
    client = Client()
    password_login(client, staff)
    assert client.post(reverse("mfa:verify"), {"code": code.upper()}).status_code == 302
    assert client.get(DASHBOARD).status_code == 200

    again = Client()
    password_login(again, staff)
    response = again.post(reverse("mfa:verify"), {"code": code})
    assert response.status_code == 200
    assert again.get(DASHBOARD).status_code == 302
    assert StaticToken.objects.filter(device__user=staff).count() == 9


def test_new_recovery_codes_replace_the_old_ones(staff):
    client = Client()
    login_verified(client, staff)
    old = devices.recovery_codes_regenerate(user=staff)
    response = client.post(reverse("mfa:recovery_codes"))
    new = client.get(response.url).context["codes"]
    tokens = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert tokens == set(new) and not tokens & set(old)


def test_a_superuser_without_a_device_must_enrol_and_reaches_nothing_else(db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    password_login(client, admin)
    for path in (DASHBOARD, "/partners/", "/admin/", "/newsletter/editions/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa:manage")), path
    assert client.get(reverse("mfa:manage")).status_code == 200
    page = client.get(reverse("mfa:totp_setup"))
    assert page.status_code == 200
    confirm_totp(client, page)
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/admin/").status_code == 200
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize("required", [True, False])
def test_staff_require_2fa_setting(settings, staff, required):
    settings.STAFF_REQUIRE_2FA = required
    client = Client()
    password_login(client, staff)
    response = client.get("/partners/")
    if required:
        assert response.status_code == 302 and response.url.startswith(reverse("mfa:manage"))
    else:
        assert response.status_code == 200


def test_the_admin_is_behind_the_second_step(staff):
    staff.is_staff = True
    staff.save()
    give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("mfa:verify"))


def test_the_second_step_is_the_default_setting_with_debug_off():
    from cityrelations import settings as project_settings

    assert project_settings.STAFF_REQUIRE_2FA is not project_settings.DEBUG


def test_a_pending_user_cannot_add_a_factor_with_the_password_alone(staff):
    give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    for name in ("mfa:manage", "mfa:totp_setup"):
        response = client.post(reverse(name), {"code": "123456"})
        assert response.url.startswith(reverse("mfa:verify")), name
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_removing_a_factor_needs_the_password_or_a_code(staff):
    client = Client()
    device = login_verified(client, staff)
    devices.recovery_codes_regenerate(user=staff)
    url = reverse("mfa:factor_remove", args=["totp", device.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"secret": "not-my-password"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(url, {"secret": "demo"}).url == reverse("mfa:manage")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()  # the last factor took them


def test_a_factor_can_be_removed_with_a_current_code(staff):
    client = Client()
    device = login_verified(client, staff)
    url = reverse("mfa:factor_remove", args=["totp", device.pk])
    client.post(url, {"secret": totp_code(device)})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_last_factor_stays_when_one_is_required(settings, staff):
    settings.STAFF_REQUIRE_2FA = True
    client = Client()
    device = login_verified(client, staff)
    client.post(reverse("mfa:factor_remove", args=["totp", device.pk]), {"secret": "demo"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_someone_elses_factor_is_not_found(staff):
    other = give_totp_device(UserFactory(username="other"))
    client = Client()
    login_verified(client, staff)
    url = reverse("mfa:factor_remove", args=["totp", other.pk])
    assert client.post(url, {"secret": "demo"}).status_code == 404
    assert TOTPDevice.objects.filter(pk=other.pk).exists()


def test_wrong_codes_count_against_brute_force(settings, staff):
    settings.AXES_FAILURE_LIMIT = 3
    give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    statuses = [
        client.post(reverse("mfa:verify"), {"code": "000000"}).status_code for _ in range(3)
    ]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429  # django-axes' lock-out page
    # The half-open session is gone, and the password step is locked too.
    assert client.get(DASHBOARD).url.startswith(reverse("login"))
    response = Client().post(reverse("login"), {"username": staff.username, "password": "demo"})
    assert response.status_code == 429


def test_failed_codes_are_throttled_by_the_device(settings, staff):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    device = give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    client.post(reverse("mfa:verify"), {"code": "000000"})
    response = client.post(reverse("mfa:verify"), {"code": totp_code(device)})
    assert "Too many failed attempts" in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302


def test_codes_refused_by_the_throttle_do_not_lock_the_account(settings, staff):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    device = give_totp_device(staff)
    client = Client()
    password_login(client, staff)
    statuses = [
        client.post(reverse("mfa:verify"), {"code": "000000"}).status_code for _ in range(5)
    ]
    assert statuses == [200] * 5  # one checked and refused, four throttled: no lock-out
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(reverse("mfa:verify"), {"code": totp_code(device)})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_the_user_menu_links_to_two_factor(staff_client):
    page = staff_client.get(DASHBOARD).content.decode()
    assert f'href="{reverse("mfa:manage")}"' in page


def test_the_pages_speak_hungarian(staff):
    give_totp_device(staff)
    client = Client(HTTP_ACCEPT_LANGUAGE="hu")
    password_login(client, staff)
    page = client.get(reverse("mfa:verify")).content.decode()
    assert "Második lépés" in page
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert "Sikeres ellen\\u0151rz\\u00e9s!" in catalog or "Sikeres ellenőrzés!" in catalog


def test_removing_the_factor_that_verified_the_session_keeps_the_user_in(staff):
    client = Client()
    used = login_verified(client, staff)
    TOTPDevice.objects.create(user=staff, name="Second phone", confirmed=True)
    client.post(reverse("mfa:factor_remove", args=["totp", used.pk]), {"secret": "demo"})
    assert not TOTPDevice.objects.filter(pk=used.pk).exists()
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_the_second_step_gives_the_session_a_new_key(settings, staff, kind):
    device = give_totp_device(staff)
    code = totp_code(device) if kind == "totp" else devices.recovery_codes_regenerate(user=staff)[0]
    client = Client()
    password_login(client, staff)
    before = client.session.session_key
    assert client.post(reverse("mfa:verify"), {"code": code}).status_code == 302
    assert client.session.session_key != before
    assert client.get(DASHBOARD).status_code == 200
    # Whoever learnt the session id before the second step holds nothing now.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(DASHBOARD).url.startswith(reverse("login"))
