"""Emails about visits: to the mayor's office on submission, to the owner on a decision, and to
everyone on the visit a week before it starts. Each email is a subject/text/html template triple
in templates/emails/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cityrelations.core.roles import MAYORS_OFFICE

from .models import Visit, VisitTransition

REMINDER_DAYS_BEFORE = 7
REMINDER_STATUSES = (Visit.Status.APPROVED, Visit.Status.CONFIRMED)


def _send(*, template: str, context: dict[str, Any], recipients: Iterable[str]) -> int:
    """One message per recipient, so addresses are not disclosed to each other."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    sent = 0
    for address in sorted(set(recipients)):
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        message.attach_alternative(html, "text/html")
        sent += message.send()
    return sent


def mayors_office_emails() -> list[str]:
    users = get_user_model().objects.filter(groups__name=MAYORS_OFFICE, is_active=True)
    return list(users.exclude(email="").values_list("email", flat=True).distinct())


def visit_people_emails(visit: Visit) -> set[str]:
    """The owner and every participant with an address (a contact's or a staff user's)."""
    emails = {visit.owner.email} if visit.owner and visit.owner.email else set()
    for participant in visit.participants.select_related("contact", "user"):
        person = participant.contact or participant.user
        if person is not None and person.email:
            emails.add(person.email)
    return emails


def send_visit_submitted(*, visit_id: int) -> int:
    visit = Visit.objects.select_related("owner").filter(pk=visit_id).first()
    if visit is None or visit.status != Visit.Status.SUBMITTED:
        return 0
    return _send(
        template="visit_submitted", context={"visit": visit}, recipients=mayors_office_emails()
    )


def send_visit_decided(*, transition_id: int) -> int:
    transition = (
        VisitTransition.objects.select_related("visit__owner", "by")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None or not transition.is_review:
        return 0
    owner = transition.visit.owner
    if owner is None or not owner.email:
        return 0
    context = {"visit": transition.visit, "transition": transition}
    return _send(template="visit_decided", context=context, recipients=[owner.email])


def reminders_due(today: dt.date | None = None) -> Any:
    today = today or timezone.localdate()
    return Visit.objects.filter(
        status__in=REMINDER_STATUSES,
        reminder_sent_at__isnull=True,
        start_date__gte=today,
        start_date__lte=today + dt.timedelta(days=REMINDER_DAYS_BEFORE),
    )


def send_visit_reminders(*, today: dt.date | None = None) -> int:
    """Remind everyone on each visit starting within a week. A visit is claimed with a
    conditional UPDATE before sending, so two runs (or two workers) never email twice."""
    sent = 0
    for visit_id in list(reminders_due(today).values_list("pk", flat=True)):
        claimed = Visit.objects.filter(Q(pk=visit_id) & Q(reminder_sent_at__isnull=True)).update(
            reminder_sent_at=timezone.now()
        )
        if not claimed:
            continue
        visit = Visit.objects.select_related("owner").prefetch_related("cities").get(pk=visit_id)
        sent += _send(
            template="visit_reminder",
            context={"visit": visit},
            recipients=visit_people_emails(visit),
        )
    return sent
