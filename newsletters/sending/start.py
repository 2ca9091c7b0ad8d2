"""Sending an edition: the crash-safe protocol of DESIGN.md ("The sending protocol").

1. :func:`edition_send` flips the edition to SENDING with one conditional UPDATE, writes every
   ``Delivery`` row (``queued``) with one ``INSERT … SELECT``, and after commit enqueues batch
   tasks that carry only ids.
2. ``batches.deliver_batch`` (run by ``tasks.send_batch``) claims its rows with one conditional
   ``UPDATE … RETURNING``, sends them over one connection under the global rate limit, and marks
   each row ``sent`` in its own statement right after the server accepted it.
3. :func:`deliveries_requeue_stuck` (periodic) puts rows left in ``sending`` by a dead worker
   back in the queue. The one duplicate window is a crash between the server's acceptance and
   our commit, i.e. at most one message per worker process.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Delivery, Edition, Subscriber, Suppression, email_hash
from .message import build_test_message

logger = logging.getLogger(__name__)

UNFINISHED = (Delivery.Status.QUEUED, Delivery.Status.SENDING)


class EditionNotSendable(Exception):
    """The edition is not in a state that allows this (e.g. a draft, or already sending)."""


# --- Starting a send -----------------------------------------------------------------------------


def _record_history(edition: Edition, *, by: object | None) -> None:
    """Our state changes are conditional UPDATEs (race-free); give the audit trail its row."""
    edition.refresh_from_db()
    if by is not None:
        edition._history_user = by  # type: ignore[attr-defined]
    edition.save(update_fields=["updated_at"])


def _queue_deliveries(edition_id: int) -> list[int]:
    """One set-based statement: a ``queued`` row for every active, non-suppressed subscriber."""
    delivery, subscriber, suppression = (
        Delivery._meta.db_table,
        Subscriber._meta.db_table,
        Suppression._meta.db_table,
    )
    if db_connection.vendor == "postgresql":
        hashed = "encode(sha256(convert_to(lower(btrim(s.email)), 'UTF8')), 'hex')"
    else:
        db_connection.ensure_connection()
        db_connection.connection.create_function("cr_email_hash", 1, email_hash, deterministic=True)
        hashed = "cr_email_hash(s.email)"
    sql = f"""
        INSERT INTO {delivery}
            (edition_id, subscriber_id, status, attempts, queued_at, message_id, last_error)
        SELECT %s, s.id, %s, 0, %s, '', ''
        FROM {subscriber} s
        WHERE s.status = %s
          AND NOT EXISTS (SELECT 1 FROM {suppression} x WHERE x.email_hash = {hashed})
        ON CONFLICT (edition_id, subscriber_id) DO NOTHING
        RETURNING id
    """  # table names come from model metadata, values are parameters
    with db_connection.cursor() as cursor:
        cursor.execute(
            sql,
            [edition_id, Delivery.Status.QUEUED, timezone.now(), Subscriber.Status.ACTIVE],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def batch_size() -> int:
    """``NEWSLETTER_BATCH_SIZE``, but never more than the rate limit lets through in a tenth of
    ``NEWSLETTER_STUCK_AFTER``: a batch still being sent must never look stuck to the sweeper."""
    rate, stuck_after = float(settings.NEWSLETTER_RATE_PER_SECOND), settings.NEWSLETTER_STUCK_AFTER
    return max(1, min(int(settings.NEWSLETTER_BATCH_SIZE), int(rate * int(stuck_after) / 10)))


def _enqueue_batches(edition_id: int, delivery_ids: Sequence[int]) -> None:
    from ..tasks import send_batch

    for chunk in _chunks(delivery_ids, batch_size()):
        send_batch.delay(edition_id, chunk)


def edition_send(*, edition: Edition, by: object | None = None) -> int:
    """Start sending an approved (or due scheduled) edition; returns the number of deliveries.

    Raises :class:`EditionNotSendable` and changes nothing if the edition is in any other state,
    including when another request started it a moment earlier.
    """
    now = timezone.now()
    with transaction.atomic():
        started = (
            Edition.objects.filter(pk=edition.pk)
            .filter(
                Q(status=Edition.Status.APPROVED)
                | Q(status=Edition.Status.SCHEDULED, scheduled_for__lte=now)
            )
            .update(status=Edition.Status.SENDING, sending_started_at=now, updated_at=now)
        )
        if not started:
            current = Edition.objects.filter(pk=edition.pk).values_list("status", flat=True)
            status = current[0] if current else None
            raise EditionNotSendable(_not_sendable_message(status))
        delivery_ids = _queue_deliveries(edition.pk)
        _record_history(edition, by=by)
        transaction.on_commit(partial(_enqueue_batches, edition.pk, delivery_ids))
        if not delivery_ids:
            transaction.on_commit(partial(edition_finish_if_done, edition_id=edition.pk))
    logger.info("edition %s: %d deliveries queued", edition.pk, len(delivery_ids))
    return len(delivery_ids)


def _not_sendable_message(status: str | None) -> str:
    if status in (Edition.Status.SENDING, Edition.Status.SENT):
        return _("This edition is already being sent or has been sent.")
    if status == Edition.Status.SCHEDULED:
        return _("This edition is scheduled for later; cancel the schedule to send it now.")
    if status == Edition.Status.DRAFT:
        return _("Only an approved edition can be sent.")
    return _("This edition cannot be sent.")


def edition_schedule(*, edition: Edition, when: datetime, by: object | None = None) -> None:
    """Schedule an approved edition (or move a scheduled one) for a future time."""
    if when <= timezone.now():
        raise EditionNotSendable(_("Choose a time in the future."))
    with transaction.atomic():
        updated = Edition.objects.filter(
            pk=edition.pk, status__in=[Edition.Status.APPROVED, Edition.Status.SCHEDULED]
        ).update(status=Edition.Status.SCHEDULED, scheduled_for=when, updated_at=timezone.now())
        if not updated:
            raise EditionNotSendable(_("Only an approved edition can be scheduled."))
        _record_history(edition, by=by)


def edition_unschedule(*, edition: Edition, by: object | None = None) -> None:
    """Cancel a schedule: the edition goes back to approved."""
    with transaction.atomic():
        updated = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.APPROVED, scheduled_for=None, updated_at=timezone.now()
        )
        if not updated:
            raise EditionNotSendable(_("This edition is not scheduled."))
        _record_history(edition, by=by)


def editions_send_due() -> int:
    """Start every scheduled edition whose time has come (run by the beat every minute)."""
    started = 0
    due = Edition.objects.filter(
        status=Edition.Status.SCHEDULED, scheduled_for__lte=timezone.now()
    ).order_by("scheduled_for")
    for edition in due:
        try:
            edition_send(edition=edition)
        except EditionNotSendable:  # another beat or a person started it first
            continue
        started += 1
    return started


def edition_send_test(*, edition: Edition, to: str) -> str:
    """Send one rendered copy to a staff address; returns its Message-ID."""
    edition = Edition.objects.prefetch_related("items").get(pk=edition.pk)
    message = build_test_message(edition=edition, to=to)
    message.send(fail_silently=False)
    return message.extra_headers["Message-ID"]


# --- Progress and completion ---------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)


def edition_progress(edition: Edition) -> Progress:
    counts = dict(
        Delivery.objects.filter(edition=edition)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(**{status: counts.get(status, 0) for status in Delivery.Status.values})


def edition_finish_if_done(*, edition_id: int) -> bool:
    """Mark a SENDING edition SENT once no row is queued or sending. Idempotent and race-free:
    whichever task commits the last row sees it; the conditional UPDATE flips it once."""
    unfinished = Delivery.objects.filter(edition=OuterRef("pk"), status__in=UNFINISHED)
    now = timezone.now()
    with transaction.atomic():
        finished = (
            Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING)
            .exclude(Exists(unfinished))
            .update(status=Edition.Status.SENT, sent_at=now, updated_at=now)
        )
        if finished:
            _record_history(Edition.objects.get(pk=edition_id), by=None)
    if finished:
        logger.info("edition %s: sent", edition_id)
    return bool(finished)


# --- The sweeper ---------------------------------------------------------------------------------


def deliveries_requeue_stuck(*, stuck_after: timedelta | None = None) -> int:
    """Requeue rows a dead worker left behind and enqueue tasks for them; returns the count.

    * ``sending`` rows claimed longer ago than ``stuck_after``: their worker died mid-batch.
    * ``queued`` rows of an edition with no activity for ``stuck_after``: their task message
      was lost with a dead worker's prefetch. (A busy edition's queued rows are just waiting.)
    Editions with nothing left are marked SENT (a backstop for the tasks' own check).
    """
    if stuck_after is None:
        stuck_after = timedelta(seconds=int(settings.NEWSLETTER_STUCK_AFTER))
    now = timezone.now()
    cutoff = now - stuck_after
    requeued = 0
    for edition_id in Edition.objects.filter(status=Edition.Status.SENDING).values_list(
        "pk", flat=True
    ):
        rows = Delivery.objects.filter(edition_id=edition_id)
        activity = rows.aggregate(
            claimed=Max("claimed_at"), sent=Max("sent_at"), queued=Max("queued_at")
        )
        stalled = all(value is None or value < cutoff for value in activity.values())
        stuck = Q(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)
        if stalled:
            stuck |= Q(status=Delivery.Status.QUEUED)
        with transaction.atomic():
            ids = sorted(
                rows.filter(stuck).select_for_update(skip_locked=True).values_list("pk", flat=True)
            )
            if ids:
                Delivery.objects.filter(pk__in=ids).update(
                    status=Delivery.Status.QUEUED, queued_at=now
                )
                transaction.on_commit(partial(_enqueue_batches, edition_id, ids))
                logger.warning("edition %s: requeued %d stuck deliveries", edition_id, len(ids))
        requeued += len(ids)
        if not ids:
            edition_finish_if_done(edition_id=edition_id)
    return requeued
