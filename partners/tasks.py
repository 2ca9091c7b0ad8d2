"""Celery tasks of the partners app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .reminders import reminder_digests_send


@shared_task
def send_reminder_digests() -> int:
    """Daily at 07:00 (Budapest), scheduled by the migration ``0004_reminder_schedule``."""
    return reminder_digests_send()
