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
