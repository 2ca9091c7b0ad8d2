"""Celery tasks of the project layer: thin, they take ids and plain strings and call a service."""

from __future__ import annotations

from celery import shared_task

from .account_emails import password_reset_email_send


@shared_task
def send_password_reset_email(
    user_id: int,
    email: str,
    *,
    domain: str,
    site_name: str,
    protocol: str,
    subject_template_name: str,
    email_template_name: str,
    html_email_template_name: str | None = None,
    from_email: str | None = None,
) -> bool:
    return password_reset_email_send(
        user_id=user_id,
        email=email,
        domain=domain,
        site_name=site_name,
        protocol=protocol,
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
        html_email_template_name=html_email_template_name,
        from_email=from_email,
    )
