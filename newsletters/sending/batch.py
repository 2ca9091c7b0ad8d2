"""One batch of an edition's deliveries: claimed, sent over one connection, each row recorded
(DESIGN.md, the sending protocol, steps 2 and 4). ``tasks.send_batch`` runs :func:`run_batch`.

* :func:`deliver_batch` claims its rows with one conditional ``UPDATE … RETURNING`` and sends
  them under the global rate limit (:mod:`.rate_limit`). Each accepted message's row is marked
  ``sent`` in its own statement right after the server's acceptance (:mod:`.marks`), and the
  next message's final line waits for that mark: a crash duplicates at most one message per
  worker process.
* Over Django's own SMTP backend to a server that advertises PIPELINING, messages go through an
  :class:`~.smtp.Outbox`, one write and one round trip each; otherwise one at a time.
* :func:`~.classify.classify_error` decides what a refusal means: the row fails (permanent), is
  retried later (this message, not now), or the batch stops and everything left is retried (the
  connection).
* :func:`run_batch` repeats the batch with backoff until nothing is left for later, or the last
  attempt failed what remained.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError
from django.db import connection as db_connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Delivery, Edition, Subscriber, Suppression, email_hash
from .classify import CONNECTION_TRANSIENT, PERMANENT, classify_error
from .marks import SentMarks
from .message import build_message
from .progress import edition_finish_if_done
from .rate_limit import get_limiter
from .raw import build_raw_message
from .smtp import Outbox, pipelines
from .smtp import send as smtp_send

logger = logging.getLogger(__name__)


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

    Over Django's own SMTP backend (to a server without PIPELINING: with it, messages go through
    the batch's Outbox) the message is assembled as bytes from the batch's flattened template
    (``build_raw_message``) and sent over the open smtplib connection while the previous
    message's mark commits; its final line waits for that mark (``.smtp``). Any other
    backend (anymail, a subclass) and any unusual address get the ``EmailMessage`` once that
    mark is in."""
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


def _message_id(message: EmailMessage) -> str:
    """The provider's id (anymail sets ``anymail_status``), else the Message-ID we set."""
    status = getattr(message, "anymail_status", None)
    if status is not None and status.message_id:
        return str(status.message_id)
    return message.extra_headers["Message-ID"]


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
    except Exception as exc:  # opening the connection failed, it failed mid-batch, or a mark did
        _kind, result.last_error = classify_error(exc)
        transient.extend(pending)
    finally:
        _close(connection, marks, edition_id=edition.pk, asynchronous_marks=asynchronous_marks)
    _retry_or_give_up(transient, result, final_attempt=final_attempt)


_Tag = tuple[Delivery, str]  # a message in the outbox: its delivery and Message-ID


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
    outbox: Outbox[_Tag] | None = None

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

    def _send(self, delivery: Delivery) -> list[tuple[_Tag, Exception]]:
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

    def _accepted(self, tag: _Tag) -> None:
        delivery, message_id = tag
        self.pending.remove(delivery)  # accepted: if its mark fails, the row stays "sending"
        self.marks.send(delivery, message_id)  # (the sweeper's)
        self.result.sent += 1

    def _refused(self, refused: list[tuple[_Tag, Exception]]) -> None:
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
        attempts = max(d.attempts for d in give_up)
        reason = ngettext(
            "Gave up after %(n)d attempt: %(error)s",
            "Gave up after %(n)d attempts: %(error)s",
            attempts,
        ) % {"n": attempts, "error": result.last_error}
        _mark(give_up, Delivery.Status.FAILED, reason)
        result.failed += len(give_up)
    again = [d for d in transient if d not in give_up]
    _mark(again, Delivery.Status.QUEUED, result.last_error)
    result.retry = [d.pk for d in again]


def retry_delay(retries: int) -> float:
    """Exponential backoff: base, 2 base, 4 base and so on, capped below the stuck-row timeout."""
    delay = float(settings.NEWSLETTER_RETRY_DELAY) * (2**retries)
    return min(delay, max(1.0, float(settings.NEWSLETTER_STUCK_AFTER) / 2))


@dataclass(frozen=True)
class BatchRun:
    sent: int
    retry_after: float | None  # seconds until the task runs again, or None: nothing left


def run_batch(
    *, edition_id: int, delivery_ids: Sequence[int], retries: int, eager: bool
) -> BatchRun:
    """The batch task's work: deliver, and say when to retry what failed for now (the task
    retries itself, carrying only ids). ``retries`` is how many times the task ran before.
    Eager (embedded mode) there is no broker to hold a delayed retry: it tries again at once."""
    attempt, sent = retries, 0
    while True:
        final = attempt + 1 >= int(settings.NEWSLETTER_MAX_ATTEMPTS)
        result = deliver_batch(
            edition_id=edition_id, delivery_ids=delivery_ids, final_attempt=final
        )
        sent += result.sent
        if not result.retry:
            return BatchRun(sent=sent, retry_after=None)
        if not eager:
            return BatchRun(sent=sent, retry_after=retry_delay(attempt))
        attempt += 1
