"""The delegations section of the staff dashboard: what is coming, what waits for a decision,
and which preparations are late. Each list is one bounded query."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import LogisticsItem, Visit
from .requests import new_request_count

DASHBOARD_ROWS = 10
UPCOMING_DAYS = 30
# Logistics only matter while the visit can still take place.
PLANNED_STATUSES = (
    Visit.Status.DRAFT,
    Visit.Status.SUBMITTED,
    Visit.Status.CHANGES_REQUESTED,
    Visit.Status.APPROVED,
    Visit.Status.CONFIRMED,
)


def overdue_logistics() -> Any:
    return (
        LogisticsItem.objects.filter(
            state__in=[LogisticsItem.State.TODO, LogisticsItem.State.IN_PROGRESS],
            due_on__lt=timezone.localdate(),
            visit__status__in=PLANNED_STATUSES,
        )
        .select_related("visit", "owner")
        .order_by("due_on", "visit__start_date", "pk")
    )


def visit_dashboard(user: Any) -> dict[str, Any]:
    """Keys for the dashboard template; empty when the user may not see visits."""
    if not user.has_perm("delegations.view_visit"):
        return {
            "show_visits": False,
            "upcoming_visits": [],
            "visits_awaiting_review": [],
            "awaiting_review_count": 0,
            "overdue_logistics": [],
            "new_request_count": None,
        }
    return {
        "show_visits": True,
        "upcoming_days": UPCOMING_DAYS,
        "upcoming_visits": list(
            Visit.objects.upcoming(UPCOMING_DAYS)
            .select_related("partnership__city")
            .order_by("start_date", "title")[:DASHBOARD_ROWS]
        ),
        "visits_awaiting_review": list(
            Visit.objects.awaiting_review()
            .select_related("partnership__city", "owner")
            .order_by("start_date", "title")[:DASHBOARD_ROWS]
        ),
        # The review queue's own counter counts the same QuerySet (awaiting_review).
        "awaiting_review_count": Visit.objects.awaiting_review().count(),
        "overdue_logistics": list(overdue_logistics()[:DASHBOARD_ROWS]),
        # Requesters are personal data: the count shows to those who may open the queue.
        "new_request_count": (
            new_request_count() if user.has_perm("delegations.view_visitrequest") else None
        ),
    }
