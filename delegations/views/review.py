"""The mayor's office review queue: visits awaiting review first (oldest start first), then
everything else in the coming 90 days; each section paginated (``?page=`` and
``?upcoming_page=``), each row with its conflicts and, for reviewers, the decision buttons
(htmx or plain POST). Conflicts are computed for the rows on the page only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Case, IntegerField, Value, When, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrelations.core.pagination import paginate

from ..conflicts import with_conflicts
from ..forms.visits import TransitionForm
from ..models import Event, Visit
from ..workflow import REVIEW_ACTIONS, TRANSITIONS

UPCOMING_DAYS = 90
# A reviewer works through a few decisions at a time (each card carries a comment box and the
# decision buttons); the coming visits are a compact table, so more fit on a page.
AWAITING_PER_PAGE = 10
UPCOMING_PER_PAGE = 25


def _decisions() -> list[tuple[str, object]]:
    return [(action, TRANSITIONS[action]) for action in REVIEW_ACTIONS]


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def review_queue(request: HttpRequest) -> HttpResponse:
    base = Visit.objects.select_related("owner").order_by("start_date", "pk")
    awaiting = paginate(request, base.awaiting_review(), AWAITING_PER_PAGE)
    upcoming = paginate(
        request,
        base.upcoming(UPCOMING_DAYS).not_awaiting_review(),
        UPCOMING_PER_PAGE,
        param="upcoming_page",
    )
    # One look-up of cities and conflicts for both sections' rows.
    rows = [*awaiting.object_list, *upcoming.object_list]
    prefetch_related_objects(rows, "cities")
    rows = with_conflicts(rows, cities={v.pk: {c.pk for c in v.cities.all()} for v in rows})
    awaiting_rows, upcoming_rows = (
        rows[: len(awaiting.object_list)],
        rows[len(awaiting.object_list) :],
    )
    context = {
        "events_page": _mayor_events(request),
        "awaiting_page": awaiting,
        "upcoming_page": upcoming,
        "awaiting": awaiting_rows,
        "upcoming": upcoming_rows,
        "upcoming_days": UPCOMING_DAYS,
        "decisions": _decisions(),
        "form": TransitionForm(),
        "queue_url": reverse("delegations:review_queue"),
        "title": _("Review queue"),
    }
    return render(request, "delegations/review_queue.html", context)


EVENTS_PER_PAGE = 10


def _mayor_events(request: HttpRequest) -> Any:
    """Events the mayor attends that are not over: those awaiting review first, by date.
    The decision is taken on the event's page (delegations.eventflow)."""
    events = (
        Event.objects.live()
        .filter(mayor_attends=True, ends_at__gte=timezone.now())
        .annotate(
            waiting=Case(
                When(review_status=Event.Review.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "starts_at", "pk")
    )
    return paginate(request, events, EVENTS_PER_PAGE, param="events_page")


def queue_row_response(request: HttpRequest, visit: Visit, *, error: str = "") -> HttpResponse:
    """The queue entry of one visit after a decision (the htmx swap target)."""
    visit = with_conflicts(
        Visit.objects.select_related("owner").prefetch_related("cities").filter(pk=visit.pk)
    )[0]
    context = {
        "visit": visit,
        "decisions": _decisions(),
        "form": TransitionForm(),
        "error": error,
        "decided": not error,
        "queue_url": reverse("delegations:review_queue"),
        # The queue's "awaiting review" counter, swapped out of band beside the row.
        "update_counter": True,
        "awaiting_count": Visit.objects.awaiting_review().count(),
    }
    return render(request, "delegations/_queue_row.html", context)
