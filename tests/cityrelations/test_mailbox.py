"""The embedded mode's local mailbox: debug only, and each reader sees only their own mail.

It once showed every message to every logged-in user, so the mayor's office could read a staff
member's password-reset link and take the account. Mail is sent here through the real pages
(password reset, newsletter subscription) into the real backend.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client, TestCase

from cityrelations.core.roles import DIPLOMACY_UNIT
from tests.factories import UserFactory
from tests.urlconf_support import load_urlconf

pytestmark = pytest.mark.django_db

MAILBOX = "/mailbox/"
RESET_SUBJECT = "Password reset"


@pytest.fixture
def embedded(settings, monkeypatch):
    """Debug mode with the mailbox backend, as `make run` has it."""
    load_urlconf(
        settings, monkeypatch, DEBUG=True, EMAIL_BACKEND="cityrelations.mailbox.MailboxBackend"
    )
    return settings


def _request_reset(email: str) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the email leaves from a task
        response = Client().post("/accounts/password_reset/", {"email": email})
    assert response.status_code == 302


def _names(client: Client) -> list[str]:
    response = client.get(MAILBOX)
    assert response.status_code == 200
    return re.findall(r'href="/mailbox/([^"]+\.eml)"', response.content.decode())


def _only_message_file(settings) -> str:
    files = sorted(p.name for p in settings.MAILBOX_DIR.glob("*.eml"))
    assert len(files) == 1, files
    return files[0]


def test_mayor_cannot_read_staffs_password_reset(embedded, staff_user, mayor_client):
    _request_reset(staff_user.email)
    name = _only_message_file(embedded)
    assert _names(mayor_client) == []
    assert RESET_SUBJECT not in mayor_client.get(MAILBOX).content.decode()
    assert mayor_client.get(MAILBOX + name).status_code == 404


def test_staff_cannot_read_mayors_password_reset(embedded, mayor_user, staff_client):
    _request_reset(mayor_user.email)
    name = _only_message_file(embedded)
    assert _names(staff_client) == []
    assert staff_client.get(MAILBOX + name).status_code == 404


def test_each_reads_their_own_password_reset(embedded, staff_user, staff_client):
    _request_reset(staff_user.email.upper())
    name = _only_message_file(embedded)
    assert _names(staff_client) == [name]
    response = staff_client.get(MAILBOX + name)
    assert response.status_code == 200
    assert "/accounts/reset/" in response.content.decode()


def test_staff_cannot_read_a_notification_to_a_colleague(embedded, staff_client):
    colleague = UserFactory(username="colleague")
    colleague.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    mail.send_mail("Visit approved", "Your visit was approved.", None, [colleague.email])
    name = _only_message_file(embedded)
    assert _names(staff_client) == []
    assert staff_client.get(MAILBOX + name).status_code == 404
    # Also when a citizen is on the same message.
    mail.send_mail("Both", "text", None, ["citizen@mail.example", colleague.email])
    assert _names(staff_client) == []


def test_staff_reads_the_confirmation_a_citizen_received_and_the_mayor_does_not(
    embedded, staff_client, mayor_client, django_capture_on_commit_callbacks
):
    """The demo journey: subscribe as a citizen, then read the confirmation as the unit."""
    form = {"email": "citizen@mail.example", "name": "Anna", "language": "en", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/newsletter/subscribe/", form).status_code == 302
    name = _only_message_file(embedded)
    assert _names(staff_client) == [name]
    page = staff_client.get(MAILBOX + name).content.decode()
    assert "citizen@mail.example" in page and "/newsletter/confirm/" in page
    assert _names(mayor_client) == []
    assert mayor_client.get(MAILBOX + name).status_code == 404


def test_a_file_name_outside_the_mailbox_is_a_404(embedded, staff_client):
    for name in ("..%2Fdb.sqlite3.eml", "missing.eml", "readme.txt"):
        assert staff_client.get(MAILBOX + name).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(embedded):
    response = Client().get(MAILBOX)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_with_debug_off_the_mailbox_is_not_mounted(settings, monkeypatch, staff_client):
    load_urlconf(
        settings, monkeypatch, DEBUG=False, EMAIL_BACKEND="cityrelations.mailbox.MailboxBackend"
    )
    assert staff_client.get(MAILBOX).status_code == 404
    assert Client().get(MAILBOX).status_code == 404  # not even a login page


def test_turning_debug_off_closes_a_mounted_mailbox(embedded, staff_client):
    embedded.DEBUG = False
    assert staff_client.get(MAILBOX).status_code == 404
