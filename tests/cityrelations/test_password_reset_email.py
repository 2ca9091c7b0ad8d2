"""The password-reset email leaves from a task enqueued on commit, never inside the request; the
task carries the user's id and address (no link waits in the broker), writes the email in the
user's language, and the link in it still sets a new password. The limits are in
test_password_reset_limits.py."""

from __future__ import annotations

import json
import re
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from cityrelations import tasks
from cityrelations.core.models import AccountSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"
NEW_PASSWORD = "Correct-horse-battery-9"


def _reset(email: str, **headers: str):
    response = Client().post(URL, {"email": email}, **headers)
    assert response.status_code == 302
    return response


def test_nothing_is_sent_in_the_request_the_task_is_enqueued_on_commit(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(username="ana", email="ana@city.example")
    with mock.patch.object(tasks.send_password_reset_email, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _reset("Ana@City.example")
        assert mail.outbox == [] and not delay.called  # nothing inside the request
        assert len(callbacks) == 1
        callbacks[0]()
    args, kwargs = delay.call_args
    assert args == (user.pk, "ana@city.example")
    assert json.loads(json.dumps([args, kwargs])) == [list(args), kwargs]  # plain data
    assert "token" not in kwargs and "/reset/" not in json.dumps(kwargs)  # no live link
    assert mail.outbox == []


def test_the_email_arrives_after_commit_and_its_link_sets_a_new_password(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(username="ana", email="ana@city.example")
    with django_capture_on_commit_callbacks(execute=True):
        _reset("ana@city.example")
    [message] = mail.outbox
    assert message.to == ["ana@city.example"] and "Password reset" in message.subject
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert link, message.body

    client = Client()
    response = client.get(urlsplit(link.group(0)).path)  # Django keeps the token in the session
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    response = client.post(
        response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_the_email_is_in_the_users_language_not_the_requests(
    settings, django_capture_on_commit_callbacks
):
    UserFactory(username="ana", email="ana@city.example")
    with django_capture_on_commit_callbacks(execute=True):
        _reset("ana@city.example", HTTP_ACCEPT_LANGUAGE="hu")
    assert mail.outbox[-1].subject.startswith("Password reset on ")
    settings.STAFF_LANGUAGE = "hu"  # staff who have not chosen a language
    with django_capture_on_commit_callbacks(execute=True):
        _reset("ana@city.example", HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[-1].subject.startswith("Jelszó újragenerálása")


def test_the_email_is_the_password_reset_triple_in_the_users_language(
    settings, django_capture_on_commit_callbacks
):
    """Built by core.mail from emails/accounts/password_reset, not by Django's form."""
    UserFactory(username="ana", email="ana@city.example")
    settings.STAFF_LANGUAGE = "hu"  # staff who have not chosen a language
    with django_capture_on_commit_callbacks(execute=True):
        _reset("ana@city.example", HTTP_ACCEPT_LANGUAGE="en")
    [message] = mail.outbox
    assert message.subject == "Jelszó újragenerálása ezen az oldalon: testserver"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    link = re.search(r"http://testserver/accounts/reset/\S+/", message.body)
    assert link, message.body
    assert "Ha esetleg elfelejtette volna, a felhasználóneve: ana\n" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'lang="hu"' in html
    assert f'<a href="{link.group(0)}">' in html and "testserver csapat" in html


@pytest.mark.parametrize("change", ["deactivated", "address changed", "deleted"])
def test_the_task_sends_nothing_when_django_would_no_longer_send_it(
    change, django_capture_on_commit_callbacks
):
    user = UserFactory(username="ana", email="ana@city.example")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _reset("ana@city.example")
    if change == "deactivated":
        user.is_active = False
        user.save()
    elif change == "address changed":
        user.email = "ana@elsewhere.example"
        user.save()
    else:
        user.delete()
    callbacks[0]()
    assert mail.outbox == []


def test_a_broker_outage_is_logged_and_the_answer_does_not_change(
    django_capture_on_commit_callbacks, caplog
):
    UserFactory(username="ana", email="ana@city.example")
    outage = ConnectionError("broker down")
    with (
        mock.patch.object(tasks.send_password_reset_email, "delay", side_effect=outage),
        django_capture_on_commit_callbacks(execute=True),
    ):
        known = _reset("ana@city.example")
    unknown = _reset("nobody@city.example")
    assert known["Location"] == unknown["Location"] == "/accounts/password_reset/done/"
    assert "broker down" in caplog.text


def test_the_email_follows_the_language_chosen_on_the_account(
    settings, django_capture_on_commit_callbacks
):
    """Issue 12: chosen in the user menu; STAFF_LANGUAGE only for those who have not chosen."""
    settings.STAFF_LANGUAGE = "en"
    ana = UserFactory(username="ana", email="ana@city.example")
    UserFactory(username="ben", email="ben@city.example")
    AccountSettings.objects.create(user=ana, language="hu")
    with django_capture_on_commit_callbacks(execute=True):
        _reset("ana@city.example", HTTP_ACCEPT_LANGUAGE="en")
        _reset("ben@city.example", HTTP_ACCEPT_LANGUAGE="hu")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["ana@city.example"].startswith("Jelszó újragenerálása")
    assert subjects["ben@city.example"].startswith("Password reset on ")
