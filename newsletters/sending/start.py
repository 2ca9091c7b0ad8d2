"""Starting a send (DESIGN.md, the sending protocol, step 1), scheduling it, and a test copy
(queued by :func:`edition_queue_test`, sent by a task through :func:`edition_send_test`).

:func:`edition_send` flips the edition to SENDING with one conditional UPDATE, writes every
``Delivery`` row (``queued``) with one ``INSERT … SELECT``, and after commit enqueues batch tasks
that carry only ids (:mod:`.enqueue`). Any other state raises :class:`EditionNotSendable` and
changes nothing, including when another request started the same edition a moment earlier.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrelations.core.languages import site_language

from ..models import Delivery, Edition, Subscriber, Suppression, email_hash
from .enqueue import enqueue_batches, enqueue_test_copy
from .message import build_test_message
from .progress import edition_finish_if_done, record_history

logger = logging.getLogger(__name__)


class EditionNotSendable(Exception):
    """The edition is not in a state that allows this (e.g. a draft, or already sending)."""


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
        record_history(edition, by=by)
        transaction.on_commit(partial(enqueue_batches, edition.pk, delivery_ids))
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
        record_history(edition, by=by)


def edition_unschedule(*, edition: Edition, by: object | None = None) -> None:
    """Cancel a schedule: the edition goes back to approved."""
    with transaction.atomic():
        updated = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.APPROVED, scheduled_for=None, updated_at=timezone.now()
        )
        if not updated:
            raise EditionNotSendable(_("This edition is not scheduled."))
        record_history(edition, by=by)


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


def edition_queue_test(*, edition: Edition, to: str, language: str | None = None) -> None:
    """Have a test copy sent to a staff address by a task (``send_test_copy``, which calls
    :func:`edition_send_test`) once the transaction commits; in ``language``, by default the
    caller's (the staff member's page)."""
    enqueue_test_copy(edition.pk, to, site_language(language or translation.get_language()))


def edition_send_test(*, edition: Edition, to: str, language: str | None = None) -> str:
    """Send one rendered copy to a staff address in ``language`` (by default the active one);
    returns its Message-ID."""
    edition = Edition.objects.prefetch_related("items").get(pk=edition.pk)
    language = site_language(language or translation.get_language())
    message = build_test_message(edition=edition, to=to, language=language)
    message.send(fail_silently=False)
    return message.extra_headers["Message-ID"]
