"""Thin Celery tasks of the newsletter: each takes ids, loads what it needs and calls a service.

The sending engine (``newsletters/sending/``, DESIGN.md "The sending protocol") enqueues
``send_batch`` and ``send_test_copy`` by these names; see ``sending/enqueue.py``.
"""

from __future__ import annotations

import datetime as dt

from celery import Task, shared_task
from django.core.exceptions import ValidationError

from . import emails
from .assembly import edition_assemble, previous_month
from .models import Edition
from .retention import purge_unconfirmed
from .sending.batch import run_batch
from .sending.start import edition_send_test, editions_send_due
from .sending.sweep import deliveries_requeue_stuck


@shared_task
def assemble_edition(month: str | None = None) -> int:
    """Assemble the draft edition of ``month`` ("YYYY-MM"; default: the previous month).
    Beat runs it on the 1st at 06:00, Budapest time. An edition past draft is left alone."""
    first = dt.date.fromisoformat(f"{month}-01") if month else previous_month()
    try:
        return edition_assemble(month=first).pk
    except ValidationError:
        return Edition.objects.get(month=first).pk


@shared_task
def purge_unconfirmed_subscribers() -> int:
    """Delete subscriptions left unconfirmed for 14 days (beat: daily)."""
    return purge_unconfirmed()


# --- A subscriber's own emails (enqueued on commit by subscriptions.py) ------------------------


@shared_task
def send_confirmation(subscriber_id: int) -> int:
    return emails.subscriber_send_confirmation(subscriber_id=subscriber_id)


@shared_task
def send_already_subscribed(subscriber_id: int) -> int:
    return emails.subscriber_send_already_subscribed(subscriber_id=subscriber_id)


# --- A staff member's test copy (enqueued on commit by sending.start.edition_queue_test) -------


@shared_task
def send_test_copy(edition_id: int, address: str, language: str) -> str:
    """Send one test copy; the Message-ID, or "" if the edition is gone by now."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return ""
    return edition_send_test(edition=edition, to=address, language=language)


# --- Sending (DESIGN.md "The sending protocol"; the engine is newsletters/sending/) ------------


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_batch(self: Task, edition_id: int, delivery_ids: list[int]) -> int:
    """Send one batch of deliveries; transient failures retry this task with backoff."""
    run = run_batch(
        edition_id=edition_id,
        delivery_ids=delivery_ids,
        retries=self.request.retries,
        eager=bool(self.request.is_eager),
    )
    if run.retry_after is not None:
        raise self.retry(countdown=run.retry_after)
    return run.sent


@shared_task
def requeue_stuck_deliveries() -> int:
    """Beat, every minute: requeue rows a dead worker left in ``sending``."""
    return deliveries_requeue_stuck()


@shared_task
def send_scheduled_editions() -> int:
    """Beat, every minute: start the scheduled editions whose time has come."""
    return editions_send_due()
