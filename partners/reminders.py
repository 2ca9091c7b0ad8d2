"""The daily reminder digest: each coordinator gets one email listing *their* agreements to
renew, membership fees due and reports due, and each task owner their tasks overdue or due this
week, in their language. People with nothing due get nothing. Sent by the daily beat task
(``partners.tasks.send_reminder_digests``), once a day however often it runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cityrelations.core.languages import user_language
from cityrelations.core.mail import make_message

from .models import Agreement, Membership, ReminderDigestRun, Task, TaskQuerySet
from .taskkinds import records_prefetch

AGREEMENT_HORIZON_DAYS = 90
MEMBERSHIP_HORIZON_DAYS = 30


@dataclass
class Digest:
    user: Any
    agreements: list[Agreement] = field(default_factory=list)
    fees: list[Membership] = field(default_factory=list)
    reports: list[Membership] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.agreements or self.fees or self.reports or self.tasks)


def _agreements_to_renew(today: dt.date) -> list[Agreement]:
    """In force, not yet expired, and either the renewal-notice date is reached or the
    agreement ends within 90 days."""
    horizon = today + dt.timedelta(days=AGREEMENT_HORIZON_DAYS)
    candidates = (
        Agreement.objects.in_force()
        .filter(coordinator__isnull=False, valid_until__gte=today)
        .filter(Q(valid_until__lte=horizon) | Q(renewal_notice_days__gt=AGREEMENT_HORIZON_DAYS))
        .select_related("coordinator__account_settings", "partnership__city")
        .order_by("valid_until", "title")
    )
    return [
        a
        for a in candidates
        if a.valid_until is not None
        and (a.valid_until <= horizon or (a.renewal_notice_on and a.renewal_notice_on <= today))
    ]


def _tasks_due(today: dt.date) -> TaskQuerySet:
    """Open tasks with an owner, overdue or due by the end of the week, with their records."""
    return (
        Task.objects.due_soon(today)
        .filter(owner__isnull=False)
        .select_related("owner__account_settings")
        .prefetch_related(records_prefetch())
        .by_due_date()
    )


def reminder_digests_collect(*, today: dt.date | None = None) -> list[Digest]:
    """Four queries whatever the number of people, and one per kind of record tasks link to."""
    today = today or timezone.localdate()
    digests: dict[int, Digest] = {}

    def digest_for(user: Any) -> Digest:
        return digests.setdefault(user.pk, Digest(user=user))

    for agreement in _agreements_to_renew(today):
        digest_for(agreement.coordinator).agreements.append(agreement)
    # The coordinator's language with them: no query per recipient when the digests are sent.
    memberships = Membership.objects.filter(coordinator__isnull=False).select_related(
        "coordinator__account_settings", "organization"
    )
    for membership in memberships.fees_due(MEMBERSHIP_HORIZON_DAYS).order_by("fee_due_on"):
        digest_for(membership.coordinator).fees.append(membership)
    for membership in memberships.reports_due(MEMBERSHIP_HORIZON_DAYS).order_by(
        "next_report_due_on"
    ):
        digest_for(membership.coordinator).reports.append(membership)
    for task in _tasks_due(today):
        digest_for(task.owner).tasks.append(task)
    return [d for d in digests.values() if not d.is_empty and d.user.is_active and d.user.email]


def _message(digest: Digest, today: dt.date) -> EmailMultiAlternatives:
    return make_message(
        "reminders/digest",
        to=[digest.user.email],
        context={
            "user": digest.user,
            "digest": digest,
            "today": today,
            "agreement_days": AGREEMENT_HORIZON_DAYS,
            "membership_days": MEMBERSHIP_HORIZON_DAYS,
            "tasks_url": reverse("partners:task_list"),
        },
        language=user_language(digest.user),
    )


def _claim_day(today: dt.date) -> ReminderDigestRun | None:
    """Take the day (None if a run already took it): its unique row is the claim."""
    try:
        with transaction.atomic():
            return ReminderDigestRun.objects.create(sent_on=today)
    except IntegrityError:
        return None


def reminder_digests_send(*, today: dt.date | None = None) -> int:
    """Send one digest per person with something due; return how many were sent.

    Once a day: a second run the same day sends nothing. If sending fails the day is released,
    so the retry sends (again to those the failed run reached before its error).
    """
    today = today or timezone.localdate()
    digests = reminder_digests_collect(today=today)
    if not digests:
        return 0
    claim = _claim_day(today)
    if claim is None:
        return 0
    messages = [_message(digest, today) for digest in digests]
    try:
        with get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception:
        claim.delete()
        raise
