"""Celery tasks of the project layer: thin, they take ids and plain strings and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from .account_emails import password_reset_email_send


@shared_task
def send_password_reset_email(user_id: int, email: str, **options: Any) -> bool:
    """``options`` are the keyword arguments of :func:`password_reset_email_send` (plain
    strings: the domain, the site name, the protocol, the sender), as the reset form passes them."""
    return password_reset_email_send(user_id=user_id, email=email, **options)
