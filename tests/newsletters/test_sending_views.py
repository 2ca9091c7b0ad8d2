"""The send panel's views: permissions, send now, schedule, cancel, test copy, progress partial."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsletters import tasks
from newsletters.models import Delivery, Edition

from .factories import EditionFactory, EditionItemFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REDIS_URL = ""
    settings.NEWSLETTER_RATE_PER_SECOND = 10_000


@pytest.fixture
def approved():
    edition = EditionFactory(status=Edition.Status.APPROVED)
    EditionItemFactory(edition=edition)
    return edition


TEST_COPY_NOTICE = (
    "TEST COPY: subscribers receive their own unsubscribe and preferences links here."
)


def _url(name: str, edition: Edition) -> str:
    return reverse(f"newsletters:{name}", args=[edition.pk])


@pytest.mark.parametrize(
    "name", ["edition_send", "edition_schedule", "edition_unschedule", "edition_send_test"]
)
def test_only_the_unit_may_send(name, approved, mayor_client, anonymous_client):
    assert mayor_client.post(_url(name, approved)).status_code == 403
    response = anonymous_client.post(_url(name, approved))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    approved.refresh_from_db()
    assert approved.status == Edition.Status.APPROVED


def test_the_mayors_office_may_watch_progress(approved, mayor_client, anonymous_client):
    assert mayor_client.get(_url("edition_progress", approved)).status_code == 200
    assert anonymous_client.get(_url("edition_progress", approved)).status_code == 302


def test_send_now_sends_and_redirects_to_the_edition(
    approved, staff_client, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_url("edition_send", approved), follow=True)
    assert response.redirect_chain[-1][0] == approved.get_absolute_url()
    assert "3 subscribers are queued" in response.content.decode()
    assert len(mail.outbox) == 3
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_send_now_twice_shows_an_error_and_changes_nothing(
    approved, staff_client, django_capture_on_commit_callbacks
):
    SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(_url("edition_send", approved))
        response = staff_client.post(_url("edition_send", approved), follow=True)
    assert "already being sent or has been sent" in response.content.decode()
    assert len(mail.outbox) == 1 and Delivery.objects.count() == 1


def test_get_is_not_allowed_on_send(approved, staff_client):
    assert staff_client.get(_url("edition_send", approved)).status_code == 405


def test_missing_edition_is_404(staff_client):
    assert staff_client.post(reverse("newsletters:edition_send", args=[999_999])).status_code == 404
    assert (
        staff_client.get(reverse("newsletters:edition_progress", args=[999_999])).status_code == 404
    )


def test_schedule_and_cancel(approved, staff_client):
    when = timezone.localtime() + dt.timedelta(days=2)
    response = staff_client.post(
        _url("edition_schedule", approved), {"when": when.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SCHEDULED
    assert abs(approved.scheduled_for - when) < dt.timedelta(minutes=1)

    assert staff_client.post(_url("edition_unschedule", approved)).status_code == 302
    approved.refresh_from_db()
    assert approved.status == Edition.Status.APPROVED and approved.scheduled_for is None


@pytest.mark.parametrize("value", ["", "yesterday", "2001-01-01T10:00"])
def test_a_bad_schedule_shows_the_error_beside_the_field(value, approved, staff_client):
    response = staff_client.post(_url("edition_schedule", approved), {"when": value})
    assert response.status_code == 400
    assert b"invalid-feedback" in response.content
    approved.refresh_from_db()
    assert approved.status == Edition.Status.APPROVED


def test_a_test_copy_goes_to_the_staff_member(
    approved, staff_client, staff_user, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(_url("edition_send_test", approved), follow=True)
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    assert staff_user.email in response.content.decode()
    assert not Delivery.objects.exists()


def test_the_test_copy_leaves_from_a_task_enqueued_on_commit(
    approved, staff_client, staff_user, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.send_test_copy, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = staff_client.post(_url("edition_send_test", approved), follow=True)
        assert mail.outbox == [] and not delay.called  # nothing inside the request
        assert len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(approved.pk, staff_user.email, "en")
    assert json.loads(json.dumps(delay.call_args.args)) == list(delay.call_args.args)
    assert f"A test copy is on its way to {staff_user.email}." in response.content.decode()
    assert mail.outbox == []


def test_the_test_copy_is_in_the_language_of_the_staff_members_page(
    approved, staff_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(_url("edition_send_test", approved), HTTP_ACCEPT_LANGUAGE="hu")
    [message] = mail.outbox
    with translation.override("hu"):
        notice = gettext(TEST_COPY_NOTICE)
    assert notice != TEST_COPY_NOTICE and notice in message.body


def test_a_broker_outage_is_logged_and_the_page_answers(
    approved, staff_client, staff_user, django_capture_on_commit_callbacks, caplog
):
    outage = ConnectionError("broker down")
    with (
        mock.patch.object(tasks.send_test_copy, "delay", side_effect=outage),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post(_url("edition_send_test", approved))
    assert response.status_code == 302 and response["Location"] == approved.get_absolute_url()
    assert "newsletters.tasks.send_test_copy" in caplog.text and "broker down" in caplog.text


def test_a_broker_outage_at_send_start_leaves_queued_rows_for_the_sweeper(
    approved, staff_client, django_capture_on_commit_callbacks, caplog
):
    SubscriberFactory.create_batch(3)
    with (
        mock.patch.object(tasks.send_batch, "delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = staff_client.post(_url("edition_send", approved))
    assert response.status_code == 302 and "broker down" in caplog.text
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENDING
    rows = Delivery.objects.filter(edition=approved)
    assert sorted(rows.values_list("status", flat=True)) == [Delivery.Status.QUEUED] * 3

    from newsletters.sending.sweep import deliveries_requeue_stuck

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_stuck(stuck_after=dt.timedelta(0)) == 3
    assert len(mail.outbox) == 3 and set(rows.values_list("status", flat=True)) == {
        Delivery.Status.SENT
    }


def test_the_task_sends_nothing_for_an_edition_deleted_meanwhile(approved):
    assert tasks.send_test_copy.delay(approved.pk + 1, "staff@city.example", "en").get() == ""
    assert mail.outbox == []


def test_progress_polls_while_sending_and_stops_when_sent(
    approved, staff_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=False):
        from newsletters.sending.start import edition_send

        edition_send(edition=approved)
    # session, user, 2 x permissions, edition, one grouped count, the layout's role lookup
    with django_assert_num_queries(7):
        response = staff_client.get(_url("edition_progress", approved))
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and "nl-progress-0" in body
    assert 'data-count="queued">4<' in body

    Delivery.objects.filter(edition=approved).update(status=Delivery.Status.SENT)
    Edition.objects.filter(pk=approved.pk).update(
        status=Edition.Status.SENT, sent_at=timezone.now()
    )
    body = staff_client.get(_url("edition_progress", approved)).content.decode()
    assert "hx-trigger" not in body and "nl-progress-100" in body
    assert 'data-count="sent">4<' in body and 'data-state="sent"' in body


def test_the_panel_on_the_edition_page(approved, staff_client, mayor_client):
    SubscriberFactory.create_batch(2)
    body = staff_client.get(approved.get_absolute_url()).content.decode()
    assert _url("edition_send", approved) in body
    assert _url("edition_schedule", approved) in body
    assert "2 active subscribers" in body
    mayor_body = mayor_client.get(approved.get_absolute_url()).content.decode()
    assert _url("edition_send", approved) not in mayor_body
