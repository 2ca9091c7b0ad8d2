"""The "sent" marks on PostgreSQL (outside a transaction, as in a worker): each one is committed
on its own and collected before the next message can be accepted; a mark that fails stops the
batch with only that one message unrecorded (DESIGN.md's duplicate window)."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, connection

from newsletters.models import Delivery, Edition
from newsletters.sending.batch import deliver_batch
from newsletters.sending.marks import SentMarks
from newsletters.sending.progress import edition_progress

from .factories import EditionFactory, EditionItemFactory, SubscriberFactory
from .smtp_sink import smtp_sink

pytestmark = pytest.mark.django_db(transaction=True)


def _conninfo() -> str:
    db = connection.settings_dict
    password = f" password={db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} "
        f"user={db['USER']}{password}"
    )


def _status_seen_elsewhere(delivery: Delivery) -> str:
    """The row as another session sees it: only what has been committed."""
    with psycopg.connect(_conninfo(), autocommit=True) as other:
        return other.execute(
            "SELECT status FROM newsletters_delivery WHERE id = %s", [delivery.pk]
        ).fetchone()[0]


@pytest.fixture
def deliveries():
    edition = EditionFactory(status=Edition.Status.SENDING)
    EditionItemFactory(edition=edition, title="Twinning with Vienna renewed")
    return [
        Delivery.objects.create(
            edition=edition, subscriber=SubscriberFactory(), status=Delivery.Status.SENDING
        )
        for _ in range(3)
    ]


def test_a_mark_is_committed_once_collected_and_the_next_waits_for_it(deliveries):
    first, second, _ = deliveries

    with SentMarks() as marks:
        marks.send(first, "<one@city.example>")
        marks.send(second, "<two@city.example>")  # collects the first one before sending
        assert _status_seen_elsewhere(first) == Delivery.Status.SENT
    # leaving the block collected the second one

    assert _status_seen_elsewhere(second) == Delivery.Status.SENT
    rows = Delivery.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    assert [(d.status, d.message_id) for d in rows] == [
        ("sent", "<one@city.example>"),
        ("sent", "<two@city.example>"),
    ]
    assert all(d.sent_at is not None and d.last_error == "" for d in rows)


def test_a_mark_that_cannot_be_written_raises_when_collected(deliveries):
    first = deliveries[0]
    with psycopg.connect(_conninfo()) as locker:
        locker.execute("SELECT 1 FROM newsletters_delivery WHERE id = %s FOR UPDATE", [first.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            marks = SentMarks()
            marks.send(first, "<one@city.example>")
            with pytest.raises(DatabaseError, match="lock timeout"):
                marks.wait()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        locker.rollback()

    first.refresh_from_db()
    assert first.status == Delivery.Status.SENDING  # unrecorded: the sweeper will requeue it


def test_a_batch_whose_mark_fails_stops_with_one_message_unrecorded(settings, deliveries):
    """The first message is accepted but its mark cannot be written (another session holds the
    row): the second message must not be accepted, and the rest go back to the queue."""
    edition_id = deliveries[0].edition_id
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(status=Delivery.Status.QUEUED)
    first_address = deliveries[0].subscriber.email
    locker = psycopg.connect(_conninfo())

    def lock_the_first_row(recipient: str) -> None:
        if recipient == first_address:
            locker.execute(
                "SELECT 1 FROM newsletters_delivery WHERE id = %s FOR UPDATE", [deliveries[0].pk]
            )

    try:
        with smtp_sink(pipelining=True) as sink:
            sink.handler.on_accept = lock_the_first_row
            settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
            settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
            settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
            settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
            settings.REDIS_URL = ""
            settings.NEWSLETTER_RATE_PER_SECOND = 10_000
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
            try:
                result = deliver_batch(
                    edition_id=edition_id, delivery_ids=[d.pk for d in deliveries]
                )
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")
            received = sink.recipients()
    finally:
        locker.rollback()
        locker.close()

    assert received == {first_address: 1}
    statuses = dict(Delivery.objects.filter(edition_id=edition_id).values_list("pk", "status"))
    assert statuses == {
        deliveries[0].pk: Delivery.Status.SENDING,  # accepted, unrecorded: one duplicate at most
        deliveries[1].pk: Delivery.Status.QUEUED,
        deliveries[2].pk: Delivery.Status.QUEUED,
    }
    assert result.sent == 1 and result.retry == [deliveries[1].pk, deliveries[2].pk]
    assert "lock timeout" in result.last_error
    assert edition_progress(Edition.objects.get(pk=edition_id)).sent == 0
