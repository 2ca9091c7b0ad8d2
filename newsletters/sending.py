"""Sending an edition: the crash-safe protocol of DESIGN.md ("The sending protocol").

1. :func:`edition_send` flips the edition to SENDING with one conditional UPDATE, writes every
   ``Delivery`` row (``queued``) with one ``INSERT … SELECT``, and after commit enqueues batch
   tasks that carry only ids.
2. :func:`deliver_batch` (run by ``tasks.send_batch``) claims its rows with one conditional
   ``UPDATE … RETURNING``, sends them over one connection under the global rate limit, and marks
   each row ``sent`` in its own statement right after the server accepted it.
3. :func:`deliveries_requeue_stuck` (periodic) puts rows left in ``sending`` by a dead worker
   back in the queue. The one duplicate window is a crash between the server's acceptance and
   our commit, i.e. at most one message per worker process.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .marks import SentMarks
from .models import Delivery, Edition, Subscriber, Suppression, email_hash
from .rate_limit import get_limiter
from .rendering import build_message, build_raw_message, build_test_message
from .smtp import Outbox, pipelines
from .smtp import send as smtp_send

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
    from .tasks import send_batch

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


# --- One batch -----------------------------------------------------------------------------------

PERMANENT, RECIPIENT_TRANSIENT, CONNECTION_TRANSIENT = "permanent", "recipient", "connection"


def classify_error(exc: BaseException) -> tuple[str, str]:
    """``(kind, reason)``: permanent (the row fails), transient for this recipient, or
    transient for the connection (stop the batch, retry later)."""
    from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(exc.recipients.values()), (0, b""))
        reason = (
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
        )
        return (PERMANENT if code >= 500 else RECIPIENT_TRANSIENT), reason
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return CONNECTION_TRANSIENT, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        error: bytes | str = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        reason = f"{exc.smtp_code} {text}"
        return (PERMANENT if exc.smtp_code >= 500 else CONNECTION_TRANSIENT), reason
    if isinstance(exc, AnymailRecipientsRefused):
        return PERMANENT, f"rejected by the provider: {exc}"
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        transient = status is None or status == 429 or status >= 500
        return (CONNECTION_TRANSIENT if transient else PERMANENT), str(exc)
    if isinstance(exc, AnymailError):
        return PERMANENT, str(exc)
    if isinstance(exc, smtplib.SMTPException | ConnectionError | socket.timeout | OSError):
        return CONNECTION_TRANSIENT, f"{type(exc).__name__}: {exc}"
    return PERMANENT, f"{type(exc).__name__}: {exc}"


def _claim(delivery_ids: Sequence[int]) -> list[int]:
    """Atomically take the rows of this batch that are still queued (one statement)."""
    if not delivery_ids:
        return []
    table = Delivery._meta.db_table
    placeholders = ", ".join(["%s"] * len(delivery_ids))
    sql = f"""
        UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1
        WHERE id IN ({placeholders}) AND status = %s
        RETURNING id
    """  # table name from model metadata, values are parameters
    with db_connection.cursor() as cursor:
        cursor.execute(
            sql,
            [Delivery.Status.SENDING, timezone.now(), *delivery_ids, Delivery.Status.QUEUED],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _commit_mode(*, synchronous: bool) -> None:
    """With ``NEWSLETTER_SYNCHRONOUS_COMMIT = False`` the batch's "sent" marks are committed
    asynchronously on PostgreSQL: each commit skips the WAL flush (about ten times faster),
    other sessions see it at once, and a *worker* crash is as safe as before. Only a crash of
    the database server itself can lose the last fraction of a second of marks, whose messages
    would then be sent again: a wider duplicate window, traded for speed."""
    if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
        with db_connection.cursor() as cursor:
            cursor.execute(f"SET synchronous_commit TO {'on' if synchronous else 'off'}")


def _mark(deliveries: Iterable[Delivery], status: str, reason: str) -> None:
    ids = [d.pk for d in deliveries]
    if ids:
        values: dict[str, object] = {"status": status, "last_error": reason}
        if status == Delivery.Status.QUEUED:
            values["queued_at"] = timezone.now()
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(**values)


def _send_one(
    connection: BaseEmailBackend, edition: Edition, subscriber: Subscriber, marks: SentMarks
) -> str:
    """Send one subscriber's message; returns its Message-ID (or the provider's id).

    Over Django's own SMTP backend the message is assembled as bytes from the batch's flattened
    template (``build_raw_message``) and sent over the open smtplib connection, pipelined when
    the server allows, while the previous message's mark commits; its final line waits for that
    mark (``newsletters.smtp``). Any other backend (anymail, a subclass) gets the
    ``EmailMessage`` once that mark is in."""
    smtp = connection.connection if type(connection) is SmtpBackend else None
    if smtp is not None:
        raw = build_raw_message(edition=edition, subscriber=subscriber)
        if raw is not None:
            smtp_send(
                smtp,
                sender=raw.sender,
                recipient=raw.recipient,
                data=raw.data,
                before_end=marks.wait,
            )
            return raw.message_id
    marks.wait()
    message = build_message(edition=edition, subscriber=subscriber, connection=connection)
    connection.send_messages([message])
    return _message_id(message)


def _message_id(message: object) -> str:
    status = getattr(message, "anymail_status", None)
    if status is not None and status.message_id:
        return str(status.message_id)
    return message.extra_headers["Message-ID"]  # type: ignore[attr-defined]


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retry: list[int] = field(default_factory=list)  # back in the queue, for a later attempt
    last_error: str = ""


def _deliverable(deliveries: list[Delivery]) -> tuple[list[Delivery], list[Delivery]]:
    """Split into (still wanted, unsubscribed or suppressed since the send started)."""
    hashes = {d.pk: email_hash(d.subscriber.email) for d in deliveries}
    suppressed = set(
        Suppression.objects.filter(email_hash__in=hashes.values()).values_list(
            "email_hash", flat=True
        )
    )
    keep: list[Delivery] = []
    skip: list[Delivery] = []
    for delivery in deliveries:
        active = delivery.subscriber.status == Subscriber.Status.ACTIVE
        (keep if active and hashes[delivery.pk] not in suppressed else skip).append(delivery)
    return keep, skip


# What a batch reads: rendering needs the subscriber's id, address and language.
_BATCH_FIELDS = (
    "attempts",
    "subscriber__id",
    "subscriber__email",
    "subscriber__language",
    "subscriber__status",
)


def deliver_batch(
    *, edition_id: int, delivery_ids: Sequence[int], final_attempt: bool = False
) -> BatchResult:
    """Claim, send and record one batch over one connection. Transient failures go back to
    ``queued`` (``result.retry``) unless this is the final attempt, when they fail."""
    result = BatchResult()
    claimed = _claim(delivery_ids)
    result.claimed = len(claimed)
    if claimed:
        edition = Edition.objects.prefetch_related("items").get(pk=edition_id)
        deliveries = list(
            Delivery.objects.filter(pk__in=claimed)
            .select_related("subscriber")
            .only(*_BATCH_FIELDS)
            .order_by("pk")
        )
        deliveries, skipped = _deliverable(deliveries)
        _mark(skipped, Delivery.Status.FAILED, _("Skipped: unsubscribed or suppressed."))
        result.failed += len(skipped)
        _send_over_one_connection(edition, deliveries, result, final_attempt=final_attempt)
    edition_finish_if_done(edition_id=edition_id)
    return result


def _send_over_one_connection(
    edition: Edition, deliveries: list[Delivery], result: BatchResult, *, final_attempt: bool
) -> None:
    pending = deque(deliveries)  # what is not yet sent, failed or set aside for a retry
    transient: list[Delivery] = []
    connection = get_connection(fail_silently=False)
    asynchronous_marks = not settings.NEWSLETTER_SYNCHRONOUS_COMMIT
    marks: SentMarks | None = None
    try:
        marks = SentMarks()
        if asynchronous_marks:
            _commit_mode(synchronous=False)
        connection.open()
        _Sending(connection, edition, pending, result, marks, transient).run()
    except Exception as exc:  # opening a connection failed, or recording a mark did
        _kind, result.last_error = classify_error(exc)
        transient.extend(pending)
    finally:
        _close(connection, marks, edition_id=edition.pk, asynchronous_marks=asynchronous_marks)
    _retry_or_give_up(transient, result, final_attempt=final_attempt)


Tag = tuple[Delivery, str]  # a message in the outbox: its delivery and Message-ID


@dataclass
class _Sending:
    """One batch going out over one open connection. ``pending`` keeps each delivery until its
    outcome is known: it leaves when accepted (and marked), failed, or set aside for a retry
    (``transient``). When the connection fails, whatever is still pending is the caller's."""

    connection: BaseEmailBackend
    edition: Edition
    pending: deque[Delivery]
    result: BatchResult
    marks: SentMarks
    transient: list[Delivery]
    outbox: Outbox[Tag] | None = None

    def run(self) -> None:
        limiter = get_limiter()
        smtp = self.connection.connection if type(self.connection) is SmtpBackend else None
        if smtp is not None and pipelines(smtp):
            self.outbox = Outbox(smtp, on_accepted=self._accepted, before_end=self.marks.wait)
        try:
            for delivery in list(self.pending):
                if not self.pending:  # the batch stopped: the connection is gone
                    break
                limiter.acquire()
                self._refused(self._send(delivery))
            if self.outbox is not None and self.pending:
                self._refused(self.outbox.flush())
        except BaseException:
            if self.outbox is not None:  # never leave a message open: QUIT would be taken as its
                self.outbox.abort()  # content, and closing would wait for a reply never coming
            raise

    def _send(self, delivery: Delivery) -> list[tuple[Tag, Exception]]:
        """Send one message; returns its refusal, or its predecessor's, if any."""
        if self.outbox is not None:
            raw = build_raw_message(edition=self.edition, subscriber=delivery.subscriber)
            if raw is not None:
                tag = (delivery, raw.message_id)
                return self.outbox.put(
                    tag, sender=raw.sender, recipient=raw.recipient, data=raw.data
                )
            self._refused(self.outbox.flush())  # the connection must be free for another way
            if not self.pending:
                return []
        try:
            message_id = _send_one(self.connection, self.edition, delivery.subscriber, self.marks)
        except DatabaseError:
            raise  # the previous message's mark failed: the batch stops, this one is retried
        except Exception as exc:  # every sending failure is classified by _refused
            return [((delivery, ""), exc)]
        self._accepted((delivery, message_id))
        return []

    def _accepted(self, tag: Tag) -> None:
        delivery, message_id = tag
        self.pending.remove(delivery)  # accepted: if its mark fails, the row stays "sending"
        self.marks.send(delivery, message_id)  # (the sweeper's)
        self.result.sent += 1

    def _refused(self, refused: list[tuple[Tag, Exception]]) -> None:
        """A permanent refusal fails the row, a transient one sets it aside for a retry, and a
        connection-wide one stops the batch (everything still pending is retried too)."""
        for (delivery, _message_id), exc in refused:
            self.marks.wait()  # before the database connection is used for anything else
            kind, self.result.last_error = classify_error(exc)
            self.pending.remove(delivery)
            if kind == PERMANENT:
                _mark([delivery], Delivery.Status.FAILED, self.result.last_error)
                self.result.failed += 1
            else:
                self.transient.append(delivery)
            if kind == CONNECTION_TRANSIENT:
                if self.outbox is not None:
                    self.outbox.abort()
                self.transient.extend(self.pending)
                self.pending.clear()
                return


def _close(
    connection: BaseEmailBackend,
    marks: SentMarks | None,
    *,
    edition_id: int,
    asynchronous_marks: bool,
) -> None:
    """Collect the last mark, close the SMTP connection, restore the commit mode."""
    if marks is not None:
        try:
            marks.close()
        except DatabaseError:  # that row stays "sending": the sweeper requeues it
            logger.exception("edition %s: recording the last mark failed", edition_id)
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; it is gone
        logger.debug("closing the mail connection failed", exc_info=True)
    if asynchronous_marks:
        _commit_mode(synchronous=True)


def _retry_or_give_up(
    transient: list[Delivery], result: BatchResult, *, final_attempt: bool
) -> None:
    """Rows that failed for now go back to the queue, or fail after the last attempt."""
    if not transient:
        return
    max_attempts = int(settings.NEWSLETTER_MAX_ATTEMPTS)
    give_up = [d for d in transient if final_attempt or d.attempts >= max_attempts]
    if give_up:
        reason = _("Gave up after %(n)d attempts: %(error)s") % {
            "n": max(d.attempts for d in give_up),
            "error": result.last_error,
        }
        _mark(give_up, Delivery.Status.FAILED, reason)
        result.failed += len(give_up)
    again = [d for d in transient if d not in give_up]
    _mark(again, Delivery.Status.QUEUED, result.last_error)
    result.retry = [d.pk for d in again]


def retry_delay(retries: int) -> float:
    """Exponential backoff: base, 2 base, 4 base and so on, capped below the stuck-row timeout."""
    delay = float(settings.NEWSLETTER_RETRY_DELAY) * (2**retries)
    return min(delay, max(1.0, float(settings.NEWSLETTER_STUCK_AFTER) / 2))


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
