"""Sessions end after SESSION_MAX_AGE_HOURS from the login and after SESSION_IDLE_MINUTES
without a request; with debug off the cookies carry the __Host- prefix."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from cityrelations.mfa.cookies import cookie_settings
from cityrelations.mfa.middleware import LAST_SEEN_KEY, STARTED_KEY

pytestmark = pytest.mark.django_db


def _aged(client: Client, *, started: float = 0, idle: float = 0) -> None:
    session = client.session
    now = int(time.time())
    session[STARTED_KEY] = now - int(started)
    session[LAST_SEEN_KEY] = now - int(idle)
    session.save()


def _password_login(client: Client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": "demo"})
    assert response.status_code == 302


def test_login_starts_both_clocks(staff_user):
    client = Client()
    _password_login(client, staff_user)
    session = client.session
    assert abs(session[STARTED_KEY] - time.time()) < 5
    assert session[LAST_SEEN_KEY] == session[STARTED_KEY]


def test_a_session_idle_for_an_hour_ends(staff_client):
    _aged(staff_client, started=3600, idle=60 * 60 + 1)
    response = staff_client.get("/partners/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert staff_client.get("/partners/").status_code == 302  # logged out for good


def test_a_session_used_within_the_hour_goes_on(staff_client):
    _aged(staff_client, started=3 * 3600, idle=59 * 60)
    assert staff_client.get("/partners/").status_code == 200
    # The request counts as activity: the idle clock starts again.
    assert time.time() - staff_client.session[LAST_SEEN_KEY] < 5


def test_a_session_ends_twelve_hours_after_login_however_active(staff_client):
    _aged(staff_client, started=12 * 3600 + 1, idle=10)
    response = staff_client.get("/partners/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_both_limits_are_configurable(settings, staff_user):
    settings.SESSION_IDLE_MINUTES = 5
    client = Client()
    client.force_login(staff_user)
    _aged(client, started=60, idle=6 * 60)
    assert client.get("/partners/").status_code == 302

    settings.SESSION_IDLE_MINUTES = 60
    settings.SESSION_MAX_AGE_HOURS = 1
    client.force_login(staff_user)
    _aged(client, started=3601, idle=1)
    assert client.get("/partners/").status_code == 302


def test_the_expired_user_is_told_why(staff_client):
    _aged(staff_client, started=13 * 3600)
    response = staff_client.get("/partners/", follow=True)
    assert "Your session has expired" in response.content.decode()


def test_public_pages_are_untouched_by_expiry(anonymous_client):
    assert anonymous_client.get(reverse("newsletters:subscribe")).status_code == 200


def test_cookie_names_with_debug_off():
    production = cookie_settings(debug=False)
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_PATH"] == production["CSRF_COOKIE_PATH"] == "/"
    assert production["SESSION_COOKIE_DOMAIN"] is None
    assert cookie_settings(debug=True)["SESSION_COOKIE_NAME"] == "sessionid"


def test_the_settings_module_uses_them_with_debug_off(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "city.example",
        "SITE_URL": "https://city.example",
        "CITYRELATIONS_VAR_DIR": str(tmp_path),
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.STAFF_REQUIRE_2FA, s.SESSION_COOKIE_AGE, s.OTP_WEBAUTHN_RP_ID)"
    )
    env["DJANGO_SETTINGS_MODULE"] = "cityrelations.settings"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        str(12 * 3600),
        "city.example",
    ]


def test_a_production_login_sets_host_prefixed_cookies(settings, staff_user):
    for name, value in cookie_settings(debug=False).items():
        setattr(settings, name, value)
    client = Client(enforce_csrf_checks=False)
    client.get(reverse("login"))
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": "demo"}, secure=True
    )
    cookie = response.cookies["__Host-sessionid"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert "sessionid" not in response.cookies
    assert "__Host-csrftoken" in response.cookies
