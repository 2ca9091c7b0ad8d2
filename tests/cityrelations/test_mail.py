"""One way to send an email (issue 11): ``core.mail.make_message`` builds every message from a
template triple in the recipient's language, ``message_from_parts`` is the one message constructor
(the newsletter's fast path included), no other module renders an email template or builds a
message itself, and a fresh worker process finds every email task."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.utils import translation

from cityrelations.core.languages import first_site_language, unit_name, user_language
from cityrelations.core.mail import make_message, message_from_parts
from cityrelations.core.models import AccountSettings
from tests.factories import UserFactory

BASE_DIR = Path(django_settings.BASE_DIR)
CONFIRM_URL = "https://city.example/newsletter/confirm/abc/"


def _confirmation(language: str):
    return make_message(
        "subscribers/confirm",
        to=["reader@mail.example"],
        context={"subscriber": SimpleNamespace(language=language), "confirm_url": CONFIRM_URL},
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Please confirm your newsletter subscription"),
        ("hu", "Kérjük, erősítse meg hírlevél-feliratkozását"),
    ],
)
def test_make_message_builds_the_triple_in_the_language_given(language, subject):
    other = "hu" if language == "en" else "en"
    with translation.override(other):
        message = _confirmation(language)
        assert translation.get_language() == other  # the caller's language is left alone
    assert message.subject == subject
    assert message.to == ["reader@mail.example"]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert CONFIRM_URL in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and CONFIRM_URL in html and f'lang="{language}"' in html
    assert unit_name(language) in message.body  # what every email may mention, in its language


def test_message_from_parts_is_the_message_make_message_builds():
    made = _confirmation("en")
    html, _mimetype = made.alternatives[0]
    headers = {"Message-ID": "<1@city.example>", "List-Id": "News <news.city.example>"}
    message = message_from_parts(
        subject=made.subject, text=made.body, html=html, to=made.to, headers=headers
    )
    assert (message.subject, message.body, message.to) == (made.subject, made.body, made.to)
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.alternatives == made.alternatives
    assert list(message.extra_headers) == ["Message-ID", "List-Id"]  # in the order given


@pytest.mark.django_db
def test_staff_read_email_in_their_own_language_else_the_units(settings):
    user = UserFactory(username="ana")
    settings.STAFF_LANGUAGE = "hu"
    assert user_language(user) == "hu"
    settings.STAFF_LANGUAGE = "en"
    assert user_language(user) == "en"
    AccountSettings.objects.create(user=user, language="hu")
    assert user_language(User.objects.get(pk=user.pk)) == "hu"
    AccountSettings.objects.filter(user=user).update(language="")  # the browser's language
    assert user_language(User.objects.get(pk=user.pk)) == "en"
    AccountSettings.objects.filter(user=user).update(language="de")  # no longer offered
    assert user_language(User.objects.get(pk=user.pk)) == "en"


def test_the_units_language_is_hungarian_unless_configured():
    """The product default, read from the settings module as a deployment would (the suite's
    settings ask for English)."""
    env = {k: v for k, v in os.environ.items() if k != "STAFF_LANGUAGE"}
    env.update(DJANGO_SETTINGS_MODULE="cityrelations.settings", DJANGO_DEBUG="true")
    script = (
        "import django; django.setup(); "
        "from django.conf import settings; print(settings.STAFF_LANGUAGE)"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "hu", out.stderr


@pytest.mark.parametrize(
    ("languages", "expected"),
    [("hu, en", "hu"), ("de, EN", "en"), ("", "en"), ("fr", "en"), (" HU ", "hu")],
)
def test_a_contact_reads_the_first_of_their_languages_that_the_site_has(languages, expected):
    assert first_site_language(languages.split(",")) == expected


BUILDS_AN_EMAIL = re.compile(
    r"render_to_string\(\s*f?[\"']emails/"  # renders an email template itself
    r"|\bEmail(?:MultiAlternatives|Message)\("  # builds a message itself
    r"|(?<![\w.])(?<!def )send_(?:mass_)?mail\("  # Django's send_mail() builds one
    r"|\.send_(?:mass_)?mail\("  # so do mail.send_mail() and PasswordResetForm.send_mail()
)


def test_no_module_builds_an_email_but_the_builder():
    offenders = []
    for app in ("cityrelations", "partners", "delegations", "newsletters"):
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            name = path.relative_to(BASE_DIR).as_posix()
            if name == "cityrelations/core/mail.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if BUILDS_AN_EMAIL.search(line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == [], (
        "use cityrelations.core.mail.make_message (or message_from_parts for parts rendered "
        "by render_email):\n" + "\n".join(offenders)
    )


EMAIL_TASKS = {
    "cityrelations.tasks.send_password_reset_email",
    "delegations.tasks.notify_visit_submitted",
    "delegations.tasks.notify_visit_decided",
    "delegations.tasks.send_visit_reminders",
    "newsletters.tasks.send_confirmation",
    "newsletters.tasks.send_already_subscribed",
    "newsletters.tasks.send_test_copy",
    "partners.tasks.send_reminder_digests",
}


def test_a_fresh_worker_process_registers_every_email_task():
    """What ``celery worker`` does at start-up (autodiscovery), in a process of its own."""
    script = (
        "import django; django.setup()\n"
        "from cityrelations.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print('\\n'.join(sorted(app.tasks)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cityrelations.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert EMAIL_TASKS - set(result.stdout.split()) == set()
