"""Thin Celery tasks: they take ids and call the notification services."""

from __future__ import annotations

from celery import shared_task

from . import event_emails, notifications


@shared_task
def notify_visit_submitted(visit_id: int) -> int:
    return notifications.send_visit_submitted(visit_id=visit_id)


@shared_task
def notify_visit_decided(transition_id: int) -> int:
    return notifications.send_visit_decided(transition_id=transition_id)


@shared_task
def notify_event_review_requested(event_id: int) -> int:
    return notifications.send_event_review_requested(event_id=event_id)


@shared_task
def notify_event_decided(event_id: int) -> int:
    return notifications.send_event_decided(event_id=event_id)


@shared_task
def send_visit_reminders() -> int:
    return notifications.send_visit_reminders()


@shared_task
def send_visit_request_acknowledgement(request_id: int) -> int:
    return notifications.send_visit_request_acknowledgement(request_id=request_id)


@shared_task
def send_visit_request_reply(request_id: int) -> int:
    return notifications.send_visit_request_reply(request_id=request_id)


# --- Hosted events' registrations (enqueued on commit by registrations.py) --------------------


@shared_task
def send_registration_confirm(registration_id: int) -> int:
    return event_emails.send_confirm(registration_id=registration_id)


@shared_task
def send_registration_already(registration_id: int) -> int:
    return event_emails.send_already(registration_id=registration_id)


@shared_task
def send_registration_confirmed(registration_id: int) -> int:
    return event_emails.send_confirmed(registration_id=registration_id)


@shared_task
def send_registration_waitlisted(registration_id: int) -> int:
    return event_emails.send_waitlisted(registration_id=registration_id)


@shared_task
def send_registration_moved_up(registration_id: int) -> int:
    return event_emails.send_moved_up(registration_id=registration_id)


@shared_task
def send_registration_event_cancelled(registration_id: int) -> int:
    return event_emails.send_event_cancelled(registration_id=registration_id)


@shared_task
def send_event_reminders() -> int:
    """Beat: hourly; reminds confirmed participants of tomorrow's events once."""
    return event_emails.send_reminders()
