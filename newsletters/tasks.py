"""Thin Celery tasks of the newsletter: each loads what it needs and calls a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.core.exceptions import ValidationError

from .assembly import edition_assemble, previous_month
from .models import Edition
from .subscriptions import purge_unconfirmed


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


# --- Sending (DESIGN.md "The sending protocol"; the services live in sending.py) ----------------


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_batch(self, edition_id: int, delivery_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    """Send one batch of deliveries; transient failures retry this task with backoff."""
    from django.conf import settings

    from .sending.batch import deliver_batch, retry_delay

    attempt, sent = self.request.retries, 0
    while True:
        final = attempt + 1 >= int(settings.NEWSLETTER_MAX_ATTEMPTS)
        result = deliver_batch(
            edition_id=edition_id, delivery_ids=delivery_ids, final_attempt=final
        )
        sent += result.sent
        if not result.retry:
            return sent
        if not self.request.is_eager:
            raise self.retry(countdown=retry_delay(attempt))
        # Eager (embedded mode): no broker to hold a delayed retry, so try again right away.
        attempt += 1


@shared_task
def requeue_stuck_deliveries() -> int:
    """Beat, every minute: requeue rows a dead worker left in ``sending``."""
    from .sending.start import deliveries_requeue_stuck

    return deliveries_requeue_stuck()


@shared_task
def send_scheduled_editions() -> int:
    """Beat, every minute: start the scheduled editions whose time has come."""
    from .sending.start import editions_send_due

    return editions_send_due()
