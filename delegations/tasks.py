"""Thin Celery tasks: they take ids and call the notification services."""

from __future__ import annotations

from celery import shared_task

from . import notifications


@shared_task
def notify_visit_submitted(visit_id: int) -> int:
    return notifications.send_visit_submitted(visit_id=visit_id)


@shared_task
def notify_visit_decided(transition_id: int) -> int:
    return notifications.send_visit_decided(transition_id=transition_id)


@shared_task
def send_visit_reminders() -> int:
    return notifications.send_visit_reminders()


@shared_task
def send_visit_request_acknowledgement(request_id: int) -> int:
    return notifications.send_visit_request_acknowledgement(request_id=request_id)


@shared_task
def send_visit_request_reply(request_id: int) -> int:
    return notifications.send_visit_request_reply(request_id=request_id)
