"""A subscriber's own emails (confirmation, already subscribed) are sent by a task enqueued on
commit, never inside the request, in the subscriber's language whatever the page's; the task
reads the subscriber as committed."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from newsletters import tasks
from newsletters.models import Subscriber
from newsletters.subscriptions import subscribers_import

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db

URL = "/newsletter/subscribe/"
CONFIRM = {
    "en": "Please confirm your newsletter subscription",
    "hu": "Kérjük, erősítse meg hírlevél-feliratkozását",
}
ALREADY = {
    "en": "You are already subscribed to our newsletter",
    "hu": "Ön már feliratkozott hírlevelünkre",
}


def _post(client, *, email: str = "new@mail.example", language: str = "en", page: str = "en"):
    payload = {"email": email, "name": "", "language": language, "consent": "on"}
    response = client.post(URL, payload, HTTP_ACCEPT_LANGUAGE=page)
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    ("known", "task"),
    [(False, "send_confirmation"), (True, "send_already_subscribed")],
    ids=["new address", "active address"],
)
def test_the_view_sends_nothing_and_the_task_is_enqueued_on_commit(
    client, django_capture_on_commit_callbacks, known, task
):
    if known:
        SubscriberFactory(email="new@mail.example")
    with mock.patch.object(getattr(tasks, task), "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _post(client)
        assert mail.outbox == [] and not delay.called  # nothing inside the request
        assert len(callbacks) == 1
        callbacks[0]()
    subscriber = Subscriber.objects.get(email="new@mail.example")
    delay.assert_called_once_with(subscriber.pk)
    assert json.loads(json.dumps(delay.call_args.args)) == [subscriber.pk]


@pytest.mark.parametrize(("language", "page"), [("hu", "en"), ("en", "hu")])
def test_the_confirmation_is_in_the_subscribers_language_not_the_pages(
    client, django_capture_on_commit_callbacks, language, page
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, language=language, page=page)
    [message] = mail.outbox
    assert message.subject == CONFIRM[language]


def test_already_subscribed_is_in_the_language_the_subscriber_chose_before(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="known@mail.example", language="hu")
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, email="known@mail.example", language="en", page="en")
    [message] = mail.outbox
    assert message.subject == ALREADY["hu"]


def test_the_tasks_read_the_subscriber_as_committed():
    pending = SubscriberFactory(status=Subscriber.Status.PENDING, language="hu")
    active = SubscriberFactory(status=Subscriber.Status.ACTIVE)
    # Confirmed, erased, or no longer active by the time the task runs: nothing is sent.
    assert tasks.send_confirmation.delay(active.pk).get() == 0
    assert tasks.send_confirmation.delay(pending.pk + active.pk + 1).get() == 0
    assert tasks.send_already_subscribed.delay(pending.pk).get() == 0
    assert mail.outbox == []
    assert tasks.send_confirmation.delay(pending.pk).get() == 1
    assert tasks.send_already_subscribed.delay(active.pk).get() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([pending.email], CONFIRM["hu"]),
        ([active.email], ALREADY["en"]),
    ]


def test_an_import_enqueues_one_confirmation_per_unproven_row_on_commit(
    staff_user, django_capture_on_commit_callbacks
):
    rows = [
        {"email": "proven@mail.example", "consent_evidence": "paper form"},
        {"email": "first@mail.example", "language": "hu"},
        {"email": "second@mail.example"},
    ]
    with mock.patch.object(tasks.send_confirmation, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert subscribers_import(rows=rows, by=staff_user).ok
        assert not delay.called
        for callback in callbacks:
            callback()
    pending = Subscriber.objects.filter(status=Subscriber.Status.PENDING)
    assert sorted(call.args for call in delay.call_args_list) == sorted(
        (pk,) for pk in pending.values_list("pk", flat=True)
    )
    assert delay.call_count == 2


def test_a_broker_outage_is_logged_and_the_answer_does_not_change(
    client, django_capture_on_commit_callbacks, caplog
):
    outage = ConnectionError("broker down")
    with (
        mock.patch.object(tasks.send_confirmation, "delay", side_effect=outage),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _post(client)
    assert response["Location"] == reverse("newsletters:subscribe_done")
    assert Subscriber.objects.get(email="new@mail.example").status == Subscriber.Status.PENDING
    assert "broker down" in caplog.text
