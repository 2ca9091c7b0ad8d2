"""The production profile: debug off by default, a real secret key required, ``manage.py check
--deploy`` clean, and the security checks that refuse the embedded mode's conveniences."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

from cityrelations.checks import is_example_secret_key

ROOT = Path(__file__).resolve().parents[2]
# Variables the test process may carry that a deployment would not have.
NOT_INHERITED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests' conftest (check async.E001)
    "DJANGO_DEBUG",  # tests/settings.py asks for debug; a deployment's default is off
    "DJANGO_SECRET_KEY",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "ANYMAIL",
    "ANYMAIL_WEBHOOK_SECRET",
    "TRUSTED_PROXIES",
}


def production_key() -> str:
    return secrets.token_urlsafe(50)


def _environ(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    # The real settings module, not tests/settings.py (which pytest-django exports).
    return {**kept, "DJANGO_SETTINGS_MODULE": "cityrelations.settings", **env}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environ(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "relations.example.org",
    "EMAIL_URL": "smtp://smtp.relations.example.org:587/?tls=True",
}

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.urls import Resolver404, resolve
def mounted(path):
    try:
        resolve(path)
        return True
    except Resolver404:
        return False
print(json.dumps({
    "debug": settings.DEBUG,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "mailbox": mounted("/mailbox/"),
    "mailbox_message": mounted("/mailbox/20260101T000000000000-abcdef01.eml"),
    "anymail": [p for p in ("postmark/tracking/", "postmark/inbound/", "mailgun/tracking/")
                if mounted("/anymail/" + p)],
}))
"""


def _probe(**env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=_environ(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_profile_passes_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=production_key(),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for_and_then_a_secret_key_is_required():
    result = _manage("check")  # no DJANGO_DEBUG, no DJANGO_SECRET_KEY
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY")
    assert "debug is off" in last_line


def test_debug_off_by_default_mounts_no_mailbox_and_trusts_no_proxy():
    settings = _probe(DJANGO_SECRET_KEY=production_key())
    assert settings["debug"] is False
    assert settings["mailbox"] is False and settings["mailbox_message"] is False
    assert settings["proxy_ssl_header"] is None
    assert settings["anymail"] == []


def test_debug_mode_mounts_the_mailbox():
    settings = _probe(DJANGO_DEBUG="true")
    assert settings["debug"] is True
    assert settings["mailbox"] is True and settings["mailbox_message"] is True


def test_trusted_proxies_turn_on_the_forwarded_https_header():
    settings = _probe(DJANGO_SECRET_KEY=production_key(), TRUSTED_PROXIES="10.0.0.5")
    assert settings["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_only_the_configured_esps_tracking_route_is_mounted_and_only_with_a_secret():
    esp = {"DJANGO_SECRET_KEY": production_key(), **PRODUCTION}
    esp["EMAIL_BACKEND"] = "anymail.backends.postmark.EmailBackend"
    assert _probe(**esp)["anymail"] == []
    assert _probe(**esp, ANYMAIL_WEBHOOK_SECRET="hook:pass")["anymail"] == ["postmark/tracking/"]


def test_manage_refuses_an_example_key_with_debug_off():
    result = _manage("check", DJANGO_SECRET_KEY="bench-" + "k" * 50, **PRODUCTION)
    assert result.returncode != 0
    assert "cityrelations.E003" in result.stderr


# --- the checks themselves, in process --------------------------------------------------------


def _errors(tag: str = "security") -> set[str]:
    return {m.id for m in run_checks(tags=[tag]) if m.is_serious()}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = production_key()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ANYMAIL = {}
    settings.TRUSTED_PROXIES = []
    return settings


def test_a_clean_production_configuration_has_no_errors(production):
    assert not {i for i in _errors() if i.startswith("cityrelations.")}


def test_mailbox_backend_is_refused_with_debug_off(production):
    production.EMAIL_BACKEND = "cityrelations.mailbox.MailboxBackend"
    assert "cityrelations.E001" in _errors()
    production.DEBUG = True
    assert "cityrelations.E001" not in _errors()


def test_esp_without_webhook_secret_is_refused_with_debug_off(production):
    production.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    assert "cityrelations.E002" in _errors()
    production.ANYMAIL = {"WEBHOOK_SECRET": "hook:" + production_key()}
    assert "cityrelations.E002" not in _errors()


def test_smtp_needs_no_webhook_secret(production):
    assert "cityrelations.E002" not in _errors()


def test_a_bad_trusted_proxies_entry_refuses_to_start():
    result = _manage("check", DJANGO_DEBUG="true", TRUSTED_PROXIES="10.0.0.5,proxy.example.org")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "TRUSTED_PROXIES: 'proxy.example.org' is not an IP address or network" in last_line


def _keys_in_repository() -> set[str]:
    """Literal secret keys written in the repository's files (outside the tests)."""
    pattern = re.compile(r"(?<!\{)DJANGO_SECRET_KEY\s*[=:]\s*[\"']?([^\s\"'$\\]+)")
    files = ["docker-compose.yml", "Dockerfile", "README.md", "Makefile", ".ci/run"]
    found = set()
    for name in files:
        path = ROOT / name
        if path.exists():
            found.update(pattern.findall(path.read_text()))
    return found


def test_every_example_key_in_the_repository_is_refused(production, settings):
    keys = _keys_in_repository() | {
        settings.EMBEDDED_SECRET_KEY,
        "bench-" + "k" * 50,  # bench_sending's worker
        "local-compose-trial-key-change-me-in-dot-env-0123456789abcdef",  # the old compose default
    }
    assert "collectstatic-only-not-a-runtime-secret" in keys  # the scan reads the Dockerfile
    for key in keys:
        assert is_example_secret_key(key), key
        production.SECRET_KEY = key
        assert "cityrelations.E003" in _errors(), key
    production.SECRET_KEY = production_key()
    assert "cityrelations.E003" not in _errors()
