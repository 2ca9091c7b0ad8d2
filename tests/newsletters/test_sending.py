"""The sending services in-process (eager tasks): who is queued, state guards, retries, failures,
the stuck-row sweeper and scheduling. The real-worker tests are in test_sending_worker.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from celery import current_app
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from newsletters import tasks
from newsletters.models import Delivery, Edition, Subscriber, Suppression, email_hash
from newsletters.sending.enqueue import SEND_BATCH
from newsletters.sending.progress import edition_finish_if_done, edition_progress
from newsletters.sending.start import (
    EditionNotSendable,
    edition_schedule,
    edition_send,
    edition_send_test,
    edition_unschedule,
    editions_send_due,
)
from newsletters.sending.sweep import deliveries_requeue_stuck

from .factories import EditionFactory, EditionItemFactory, SubscriberFactory
from .smtp_sink import smtp_sink

pytestmark = pytest.mark.django_db

S = Subscriber.Status


@pytest.fixture(autouse=True)
def _fast_sending(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REDIS_URL = ""  # the in-process limiter; the Redis one has its own tests
    settings.NEWSLETTER_RATE_PER_SECOND = 10_000
    settings.NEWSLETTER_BATCH_SIZE = 3
    settings.NEWSLETTER_MAX_ATTEMPTS = 3


@pytest.fixture
def approved():
    edition = EditionFactory(status=Edition.Status.APPROVED)
    EditionItemFactory(edition=edition, title="Twinning with Vienna renewed")
    return edition


@pytest.fixture(params=[False, True], ids=["one-command-at-a-time", "pipelining"])
def sink_settings(settings, request):
    with smtp_sink(pipelining=request.param) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


def _send(edition, django_capture_on_commit_callbacks, by=None) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return edition_send(edition=edition, by=by)


def test_only_active_unsuppressed_subscribers_receive_it(
    approved, staff_user, django_capture_on_commit_callbacks
):
    active = SubscriberFactory.create_batch(7)
    for status in (S.PENDING, S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED):
        SubscriberFactory(status=status)
    suppressed = SubscriberFactory(email="Suppressed@Mail.example")
    Suppression.objects.create(
        email_hash=email_hash("suppressed@mail.example"), reason=Suppression.Reason.BOUNCED
    )

    queued = _send(approved, django_capture_on_commit_callbacks, by=staff_user)

    assert queued == 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in active)
    assert suppressed.email not in {m.to[0] for m in mail.outbox}
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT
    assert approved.sending_started_at and approved.sent_at
    deliveries = Delivery.objects.filter(edition=approved)
    assert {d.status for d in deliveries} == {Delivery.Status.SENT}
    by_address = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    for delivery in deliveries.select_related("subscriber"):
        assert delivery.message_id == by_address[delivery.subscriber.email]
        assert delivery.attempts == 1
    assert approved.history.filter(status=Edition.Status.SENDING, history_user=staff_user).exists()
    assert approved.history.filter(status=Edition.Status.SENT).exists()


def test_queueing_is_one_statement_whatever_the_audience(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    def queries_for(count: int) -> int:
        SubscriberFactory.create_batch(count)
        edition = EditionFactory(status=Edition.Status.APPROVED)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert (
                    edition_send(edition=edition)
                    == Delivery.objects.filter(edition=edition).count()
                )
        assert callbacks  # the batches are enqueued after commit, not before
        return len(ctx.captured_queries)

    assert queries_for(2) == queries_for(40)


@pytest.mark.parametrize(
    "status", [Edition.Status.DRAFT, Edition.Status.SENDING, Edition.Status.SENT]
)
def test_an_edition_that_is_not_approved_is_refused_and_nothing_changes(
    status, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(2)
    edition = EditionFactory(status=status)
    with pytest.raises(EditionNotSendable):
        _send(edition, django_capture_on_commit_callbacks)
    edition.refresh_from_db()
    assert edition.status == status
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_a_second_send_is_refused_and_changes_nothing(approved, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(4)
    with django_capture_on_commit_callbacks(execute=False):
        edition_send(edition=approved)  # the first request: tasks not run yet
    with pytest.raises(EditionNotSendable, match="already"):
        _send(approved, django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(edition=approved).count() == 4
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.QUEUED}
    assert mail.outbox == []


def test_no_subscribers_means_sent_at_once(approved, django_capture_on_commit_callbacks):
    assert _send(approved, django_capture_on_commit_callbacks) == 0
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_transient_refusal_then_success_is_sent_once(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    greylisted = SubscriberFactory(email="greylisted@mail.example")
    SubscriberFactory.create_batch(2)
    sink_settings.refuse(greylisted.email, 451, times=1)

    _send(approved, django_capture_on_commit_callbacks)

    assert sink_settings.recipients()[greylisted.email] == 1
    assert sink_settings.count() == 3
    delivery = Delivery.objects.get(subscriber=greylisted)
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_permanent_refusal_fails_with_the_reason(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    gone = SubscriberFactory(email="gone@mail.example")
    others = SubscriberFactory.create_batch(3)
    sink_settings.refuse(gone.email, 550)

    _send(approved, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(subscriber=gone)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "550" in delivery.last_error
    assert set(sink_settings.recipients()) == {s.email for s in others}
    assert edition_progress(approved).failed == 1
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_a_transient_error_that_persists_fails_after_the_last_attempt(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    stuck = SubscriberFactory(email="full@mail.example")
    sink_settings.refuse(stuck.email, 452)

    _send(approved, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(subscriber=stuck)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3
    assert "452" in delivery.last_error and "3" in delivery.last_error
    assert sink_settings.count() == 0


def test_a_message_refused_at_its_end_fails_and_the_rest_of_its_batch_is_sent(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    first, trap, last = (SubscriberFactory(email=f"{n}@mail.example") for n in ("a", "trap", "z"))
    sink_settings.refuse_data(trap.email, 554)

    _send(approved, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(subscriber=trap)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1 and "554" in delivery.last_error
    assert sink_settings.recipients() == {first.email: 1, last.email: 1}
    assert edition_progress(approved).sent == 2


def test_a_temporary_refusal_at_its_end_retries_it_and_sends_every_other_message_once(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    """A 4xx at the end of a message (greylisting, a full queue) is about that message: it is
    retried later, up to the last attempt, and the rest of its batch goes on at once."""
    subscribers = [SubscriberFactory(email=f"{n}@mail.example") for n in ("a", "trap", "z", "y")]
    sink_settings.refuse_data("trap@mail.example", 451)

    _send(approved, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(subscriber=subscribers[1])
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3 and "451" in delivery.last_error
    others = {s.email for s in subscribers} - {"trap@mail.example"}
    assert sink_settings.recipients() == dict.fromkeys(others, 1)
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_a_421_at_the_end_of_a_message_retries_it_and_the_rest_of_its_batch_once(
    approved, sink_settings, django_capture_on_commit_callbacks
):
    """421: the server is closing the connection. The message it refused and those not yet
    sent go back to the queue; each is then sent once, and nothing is marked failed."""
    subscribers = [SubscriberFactory(email=f"{n}@mail.example") for n in ("a", "trap", "z")]
    sink_settings.refuse_data("trap@mail.example", 421, times=1)

    _send(approved, django_capture_on_commit_callbacks)

    assert sink_settings.recipients() == {s.email: 1 for s in subscribers}
    attempts = dict(
        Delivery.objects.filter(edition=approved).values_list("subscriber__email", "attempts")
    )
    assert attempts == {"a@mail.example": 1, "trap@mail.example": 2, "z@mail.example": 2}
    assert edition_progress(approved).sent == 3


def test_an_unreachable_server_retries_then_fails_every_row(
    approved, settings, django_capture_on_commit_callbacks
):
    from .smtp_sink import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    SubscriberFactory.create_batch(2)

    _send(approved, django_capture_on_commit_callbacks)

    rows = list(Delivery.objects.filter(edition=approved))
    assert [d.status for d in rows] == [Delivery.Status.FAILED] * 2
    assert all(d.attempts == 3 and "Connection" in d.last_error for d in rows)
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_who_unsubscribes_after_queueing_is_skipped(approved, django_capture_on_commit_callbacks):
    leaving, staying = SubscriberFactory(), SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edition_send(edition=approved)
    Subscriber.objects.filter(pk=leaving.pk).update(status=S.UNSUBSCRIBED)
    for callback in callbacks:
        callback()

    assert [m.to[0] for m in mail.outbox] == [staying.email]
    assert Delivery.objects.get(subscriber=leaving).status == Delivery.Status.FAILED


@pytest.mark.parametrize("reason", [Suppression.Reason.BOUNCED, Suppression.Reason.COMPLAINED])
def test_who_is_suppressed_after_queueing_is_skipped_though_still_active(
    approved, django_capture_on_commit_callbacks, reason
):
    """A suppression that arrives while the edition waits in the queue (a bounce from another
    message, a staff entry) wins, even though the subscriber's status is still "active"."""
    suppressed, staying = SubscriberFactory(email="Late@Mail.example"), SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert edition_send(edition=approved) == 2
    Suppression.objects.create(email_hash=email_hash("late@mail.example"), reason=reason)
    for callback in callbacks:
        callback()

    suppressed.refresh_from_db()
    assert suppressed.status == S.ACTIVE
    assert [m.to[0] for m in mail.outbox] == [staying.email]
    delivery = Delivery.objects.get(subscriber=suppressed)
    assert delivery.status == Delivery.Status.FAILED
    assert "suppressed" in delivery.last_error
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT


def test_stuck_rows_are_requeued_and_sent(approved, django_capture_on_commit_callbacks):
    subscribers = SubscriberFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        edition_send(edition=approved)  # queued; the batch tasks are "lost"
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    # One row was claimed by a worker that died; the rest wait in a dead worker's prefetch.
    first = Delivery.objects.filter(edition=approved).order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(
        status=Delivery.Status.SENDING, claimed_at=long_ago, queued_at=long_ago, attempts=1
    )
    Delivery.objects.exclude(pk=first.pk).update(queued_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_stuck(stuck_after=dt.timedelta(minutes=10)) == 3

    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT
    assert Delivery.objects.get(pk=first.pk).attempts == 2


def test_the_sweeper_leaves_a_busy_edition_alone(approved, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False):
        edition_send(edition=approved)
    recent = timezone.now() - dt.timedelta(seconds=5)
    first = Delivery.objects.filter(edition=approved).order_by("pk").first()
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SENDING, claimed_at=recent)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert deliveries_requeue_stuck(stuck_after=dt.timedelta(minutes=10)) == 0
    assert callbacks == []
    assert Delivery.objects.get(pk=first.pk).status == Delivery.Status.SENDING


def test_finishing_is_idempotent(approved, django_capture_on_commit_callbacks):
    SubscriberFactory()
    _send(approved, django_capture_on_commit_callbacks)
    approved.refresh_from_db()
    sent_at = approved.sent_at
    assert edition_finish_if_done(edition_id=approved.pk) is False
    approved.refresh_from_db()
    assert approved.sent_at == sent_at


def test_schedule_then_the_beat_sends_it_when_due(approved, django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2)
    edition_schedule(edition=approved, when=timezone.now() + dt.timedelta(hours=1))
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SCHEDULED

    with pytest.raises(EditionNotSendable, match="scheduled"):
        _send(approved, django_capture_on_commit_callbacks)
    assert editions_send_due() == 0

    Edition.objects.filter(pk=approved.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert editions_send_due() == 1
    approved.refresh_from_db()
    assert approved.status == Edition.Status.SENT
    assert len(mail.outbox) == 2


def test_schedule_rules(approved):
    with pytest.raises(EditionNotSendable):
        edition_schedule(edition=approved, when=timezone.now() - dt.timedelta(minutes=1))
    draft = EditionFactory()
    with pytest.raises(EditionNotSendable):
        edition_schedule(edition=draft, when=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(EditionNotSendable):
        edition_unschedule(edition=approved)
    edition_schedule(edition=approved, when=timezone.now() + dt.timedelta(days=1))
    edition_unschedule(edition=approved)
    approved.refresh_from_db()
    assert approved.status == Edition.Status.APPROVED and approved.scheduled_for is None


def test_a_test_copy_goes_to_one_address_only(approved):
    SubscriberFactory.create_batch(3)
    message_id = edition_send_test(edition=approved, to="staff@city.example")
    assert [m.to for m in mail.outbox] == [["staff@city.example"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id
    assert mail.outbox[0].subject.startswith("[TEST]")
    assert not Delivery.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Edition.Status.APPROVED


class _CommitModeRecordingBackend(locmem.EmailBackend):
    """Records PostgreSQL's synchronous_commit at the moment each message is handed over."""

    modes: list[str] = []

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            self.modes.append(cursor.fetchone()[0])
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("synchronous", "during"), [(True, "on"), (False, "off")])
def test_sent_marks_may_be_committed_asynchronously(settings, synchronous, during):
    from django.db import connection

    settings.EMAIL_BACKEND = f"{__name__}._CommitModeRecordingBackend"
    settings.NEWSLETTER_SYNCHRONOUS_COMMIT = synchronous
    _CommitModeRecordingBackend.modes = []
    SubscriberFactory.create_batch(2)
    edition = EditionFactory(status=Edition.Status.APPROVED)

    edition_send(edition=edition)  # autocommit: the batches run (eagerly) after the commit

    assert _CommitModeRecordingBackend.modes == [during, during]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # the connection is left as it was found


@pytest.mark.parametrize(
    ("configured", "rate", "stuck_after", "expected"),
    [(500, 20, 600, 500), (500, 1, 600, 60), (500, 0.01, 600, 1), (50, 10_000, 600, 50)],
)
def test_a_batch_never_lasts_longer_than_a_tenth_of_the_stuck_timeout(
    settings, configured, rate, stuck_after, expected
):
    from newsletters.sending.enqueue import batch_size

    settings.NEWSLETTER_BATCH_SIZE = configured
    settings.NEWSLETTER_RATE_PER_SECOND = rate
    settings.NEWSLETTER_STUCK_AFTER = stuck_after

    assert batch_size() == expected


def test_a_sending_editions_template_is_built_once_per_process_and_language(settings, approved):
    from newsletters.sending.raw import _RAW_CACHE_ATTR, build_raw_message

    reader = SubscriberFactory(language="en")
    edition_send(edition=approved)  # SENDING now; its batches wait for a commit that never comes
    first, second = (Edition.objects.get(pk=approved.pk) for _ in range(2))  # two batches' copies

    one = build_raw_message(edition=first, subscriber=reader)
    build_raw_message(edition=second, subscriber=reader)
    settings.SITE_URL = "https://relations.city.example"
    third = Edition.objects.get(pk=approved.pk)
    moved = build_raw_message(edition=third, subscriber=reader)

    cached = [e.__dict__[_RAW_CACHE_ATTR]["en"] for e in (first, second, third)]
    assert cached[0] is cached[1]  # the second batch reused the first one's template
    assert cached[2] is not cached[0]  # a changed setting builds it anew
    assert b"https://relations.city.example/newsletter/unsubscribe/" in moved.data
    assert b"https://relations.city.example/" not in one.data


def test_the_engine_enqueues_the_batch_task_that_tasks_py_defines(settings):
    """The engine looks ``send_batch`` up by name (it may not import tasks.py, which imports
    the engine): a process that only sets Django up (a web process) has it registered."""
    assert tasks.send_batch.name == SEND_BATCH
    code = (
        "import django; django.setup(); from celery import current_app; "
        f"print({SEND_BATCH!r} in current_app.tasks)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    assert found.strip() == "True"


def test_every_newsletter_beat_schedule_names_a_registered_task():
    scheduled = set(
        PeriodicTask.objects.filter(task__startswith="newsletters.").values_list("task", flat=True)
    )
    assert scheduled == {
        "newsletters.tasks.assemble_edition",
        "newsletters.tasks.purge_unconfirmed_subscribers",
        "newsletters.tasks.requeue_stuck_deliveries",
        "newsletters.tasks.send_scheduled_editions",
    }
    assert scheduled <= set(current_app.tasks)
