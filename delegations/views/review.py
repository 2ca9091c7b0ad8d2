"""The mayor's office review queue: visits awaiting review first (oldest start first), then
everything else in the coming 90 days; each section paginated (``?page=`` and
``?upcoming_page=``), each row with its conflicts and, for reviewers, the decision buttons
(htmx or plain POST). Conflicts are computed for the rows on the page only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..conflicts import with_conflicts
from ..forms import TransitionForm
from ..models import Visit
from ..workflow import REVIEW_ACTIONS, TRANSITIONS

UPCOMING_DAYS = 90
PER_PAGE = 25


def _decisions() -> list[tuple[str, object]]:
    return [(action, TRANSITIONS[action]) for action in REVIEW_ACTIONS]


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def review_queue(request: HttpRequest) -> HttpResponse:
    base = (
        Visit.objects.select_related("owner")
        .prefetch_related("cities")
        .order_by("start_date", "pk")
    )
    awaiting = Paginator(base.awaiting_review(), PER_PAGE).get_page(request.GET.get("page"))
    upcoming = Paginator(
        base.upcoming(UPCOMING_DAYS).exclude(status=Visit.Status.SUBMITTED), PER_PAGE
    ).get_page(request.GET.get("upcoming_page"))
    # One conflict look-up for both sections' rows (a bounded number of queries).
    rows = with_conflicts([*awaiting.object_list, *upcoming.object_list])
    awaiting_rows, upcoming_rows = (
        rows[: len(awaiting.object_list)],
        rows[len(awaiting.object_list) :],
    )
    context = {
        "awaiting_page": awaiting,
        "upcoming_page": upcoming,
        "awaiting": awaiting_rows,
        "upcoming": upcoming_rows,
        "upcoming_days": UPCOMING_DAYS,
        "decisions": _decisions(),
        "form": TransitionForm(),
        "title": _("Review queue"),
    }
    return render(request, "delegations/review_queue.html", context)


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
    }
    return render(request, "delegations/_queue_row.html", context)
