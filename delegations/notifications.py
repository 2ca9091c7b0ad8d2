"""Emails about visits: to the mayor's office on submission, to the owner on a decision, and to
everyone on the visit a week before it starts. Each is built by ``core.mail.make_message``
from a template triple in templates/emails/visits/, in each recipient's language, and sent by a
task in ``delegations.tasks`` (the workflow enqueues the first two on commit; beat the third).
And to the requester of a visit request: its acknowledgement and the answer to a declined one
(templates/emails/visit_requests/, in the requester's language; delegations.requests enqueues
them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cityrelations.core.languages import first_site_language, user_language
from cityrelations.core.mail import make_message
from cityrelations.core.roles import MAYORS_OFFICE, staff_users

from .models import Event, Visit, VisitRequest, VisitTransition

REMINDER_DAYS_BEFORE = 7
REMINDER_STATUSES = (Visit.Status.APPROVED, Visit.Status.CONFIRMED)


def _send(*, name: str, context: dict[str, Any], recipients: Mapping[str, str]) -> int:
    """One message per recipient (``{address: language}``), so addresses are not disclosed to
    each other and each reads their own language."""
    sent = 0
    for address, language in sorted(recipients.items()):
        sent += make_message(name, to=[address], context=context, language=language).send()
    return sent


def mayors_office_recipients() -> dict[str, str]:
    """``{address: language}`` of the mayor's office."""
    users = staff_users(MAYORS_OFFICE).exclude(email="").select_related("account_settings")
    return {user.email: user_language(user) for user in users}


def visit_people_recipients(visit: Visit) -> dict[str, str]:
    """``{address: language}`` of the owner and every participant with an address: a staff user
    reads :func:`user_language`, a contact the first of their languages that the site has.
    Load the visit with ``select_related("owner__account_settings")``: then one query in all,
    whatever the number of people."""
    recipients = {}
    if visit.owner and visit.owner.email:
        recipients[visit.owner.email] = user_language(visit.owner)
    for participant in visit.participants.select_related("contact", "user__account_settings"):
        contact, user = participant.contact, participant.user
        if contact is not None and contact.email:
            language = first_site_language(contact.languages.split(","))
            recipients.setdefault(contact.email, language)
        elif contact is None and user is not None and user.email:
            recipients.setdefault(user.email, user_language(user))
    return recipients


def send_visit_submitted(*, visit_id: int) -> int:
    visit = Visit.objects.select_related("owner").filter(pk=visit_id).first()
    if visit is None or visit.status != Visit.Status.SUBMITTED:
        return 0
    return _send(
        name="visits/submitted", context={"visit": visit}, recipients=mayors_office_recipients()
    )


def send_visit_decided(*, transition_id: int) -> int:
    transition = (
        VisitTransition.objects.select_related("visit__owner__account_settings", "by")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None or not transition.is_review:
        return 0
    owner = transition.visit.owner
    if owner is None or not owner.email:
        return 0
    context = {"visit": transition.visit, "transition": transition}
    return _send(
        name="visits/decided", context=context, recipients={owner.email: user_language(owner)}
    )


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
        visit = (
            Visit.objects.select_related("owner__account_settings")
            .prefetch_related("cities")
            .get(pk=visit_id)
        )
        sent += _send(
            name="visits/reminder",
            context={"visit": visit},
            recipients=visit_people_recipients(visit),
        )
    return sent


# --- Visit requests (delegations.requests enqueues these) ---------------------------------


def send_visit_request_acknowledgement(*, request_id: int) -> int:
    """The acknowledgement, in the requester's language. It repeats nothing they typed: anyone
    may type any address into the public form."""
    request = VisitRequest.objects.filter(pk=request_id).first()
    if request is None:
        return 0
    message = make_message(
        "visit_requests/received", to=[request.email], context={}, language=request.language
    )
    return message.send()


def send_visit_request_reply(*, request_id: int) -> int:
    """The answer to a declined request, as staff sent it."""
    request = VisitRequest.objects.filter(
        pk=request_id, status=VisitRequest.Status.DECLINED
    ).first()
    if request is None or not request.reply_body:
        return 0
    message = make_message(
        "visit_requests/declined",
        to=[request.email],
        context={"subject": request.reply_subject, "body": request.reply_body},
        language=request.language,
    )
    return message.send()


# --- Hosted events the mayor attends (delegations/eventflow.py enqueues these on commit) ----------


def send_event_review_requested(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.review_status != Event.Review.PENDING:
        return 0
    return _send(
        name="events/review_requested",
        context={"event": event},
        recipients=mayors_office_recipients(),
    )


def send_event_decided(*, event_id: int) -> int:
    event = (
        Event.objects.select_related("owner__account_settings", "reviewed_by")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.owner is None or not event.owner.email:
        return 0
    return _send(
        name="events/review_decided",
        context={"event": event},
        recipients={event.owner.email: user_language(event.owner)},
    )
