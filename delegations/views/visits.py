"""Visits: list (filters, search, sort, pages), detail, create/edit, delete (drafts only), and
the workflow step buttons."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.totals import money_totals
from cityrelations.core.transitions import TransitionError, WrongRole
from cityrelations.core.views import get_from_query, object_from_query, safe_next
from partners.models import Contact, Opportunity, Organization, Partnership

from ..conflicts import (
    Conflict,
    conflicts_for,
    conflicts_for_plan,
    person_key,
    with_conflicts,
)
from ..filters import VisitFilter
from ..forms.visits import TransitionForm, VisitForm
from ..models import Visit
from ..workflow import TRANSITIONS, allowed_actions, visit_transition
from .bulk import VISIT_BULK
from .common import refuse_change, visit_for, visit_trail
from .review import queue_row_response

PER_PAGE = 25


def _list_queryset() -> Any:
    return Visit.objects.select_related("owner").prefetch_related("cities")


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def visit_list(request: HttpRequest) -> HttpResponse:
    visit_filter = VisitFilter(request.GET or None, queryset=_list_queryset())
    visits = visit_filter.qs if visit_filter.is_bound else _list_queryset()
    page = paginate(request, visits, PER_PAGE)
    context = {
        "filter": visit_filter,
        "page": page,
        "visits": with_conflicts(page.object_list),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "budget_totals": money_totals(visits, amount="budget", currency="currency"),
        **bulk_context(request, VISIT_BULK),
        **saved_views_context(request, "visits", filter_form=visit_filter.form),
    }
    return render(request, "delegations/visit_list.html", context)


def _detail_context(request: HttpRequest, visit: Visit) -> dict[str, Any]:
    transitions = list(visit.transitions.select_related("by"))
    participants = list(visit.participants.select_related("contact", "user"))
    return {
        "visit": visit,
        "participants": participants,
        "agenda_days": agenda_days(visit),
        "logistics": list(visit.logistics.select_related("owner")),
        "transitions": transitions,
        "last_review": next((t for t in transitions if t.is_review), None),
        "conflicts": conflicts_for(
            [visit],
            people={visit.pk: {person_key(p) for p in participants}},
            cities={visit.pk: {city.pk for city in visit.cities.all()}},  # prefetched
        ).get(visit.pk, []),
        "actions": allowed_actions(visit=visit, user=request.user),
        "transition_form": TransitionForm(),
        "editable": visit.is_editable,
        "history": history_rows(visit, limit=20),
        "trail": visit_trail(None, (visit.title, "")),
    }


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        Visit.objects.select_related(
            "partnership__city", "head_of_delegation", "owner", "request"
        ).prefetch_related("cities", "organizations", "opportunities", "themes", "sdgs"),
        pk=pk,
    )
    return render(request, "delegations/visit_detail.html", _detail_context(request, visit))


def _warn_conflicts(request: HttpRequest, conflicts: list[Conflict]) -> None:
    for conflict in conflicts:
        messages.warning(request, _conflict_text(conflict))


def _conflict_text(conflict: Conflict) -> str:
    if conflict.is_person:
        return _("%(person)s is also on “%(visit)s” at the same time.") % {
            "person": conflict.subject,
            "visit": conflict.other_title,
        }
    return _("“%(visit)s” is in %(city)s at the same time.") % {
        "visit": conflict.other_title,
        "city": conflict.subject,
    }


def _plan_conflicts(form: VisitForm, visit: Visit | None) -> list[Conflict]:
    """Warnings for the dates and cities in the form, as submitted or as saved."""
    data = getattr(form, "cleaned_data", None)
    if form.is_bound and data is not None:
        start, end = data.get("start_date"), data.get("end_date")
        city_ids = [c.pk for c in data.get("cities") or []]
    elif visit is not None:
        start, end = visit.start_date, visit.end_date
        city_ids = list(visit.cities.values_list("pk", flat=True))
    else:
        return []
    if not start or not end or end < start:
        return []
    return conflicts_for_plan(start=start, end=end, city_ids=city_ids, visit=visit)


def _form_page(
    request: HttpRequest, form: VisitForm, visit: Visit | None, title: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "conflicts": _plan_conflicts(form, visit),
        "cancel_url": visit.get_absolute_url() if visit else reverse("delegations:visit_list"),
        "trail": visit_trail(visit, (title, "")),
    }
    return render(request, "delegations/visit_form.html", context)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """A hub page's "Add visit": ``?partnership=`` (with its city), ``?organization=`` or
    ``?head_of_delegation=`` (a contact) or ``?opportunity=`` (with its organisation) chosen in the
    new visit; an unknown id is ignored."""
    initial: dict[str, Any] = {}
    if partnership := object_from_query(
        Partnership.objects.select_related("city"), request.GET.get("partnership")
    ):
        initial.update(partnership=partnership, cities=[partnership.city])
    if organization := object_from_query(Organization, request.GET.get("organization")):
        initial["organizations"] = [organization]
    if head := object_from_query(Contact, request.GET.get("head_of_delegation")):
        initial["head_of_delegation"] = head
    if opportunity := object_from_query(
        Opportunity.objects.select_related("organization"), request.GET.get("opportunity")
    ):
        initial["opportunities"] = [opportunity]
        if opportunity.organization:
            initial.setdefault("organizations", [opportunity.organization])
    return initial


@login_required
@permission_required("delegations.add_visit", raise_exception=True)
def visit_create(request: HttpRequest) -> HttpResponse:
    form = VisitForm(request.POST or None, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        form.instance.owner = request.user
        visit = form.save()
        messages.success(
            request, _("Visit “%(title)s” created as a draft.") % {"title": visit.title}
        )
        _warn_conflicts(request, conflicts_for([visit]).get(visit.pk, []))
        return redirect(visit)
    return _form_page(request, form, None, _("New visit"))


@login_required
@permission_required("delegations.change_visit", raise_exception=True)
@refuses_stale_saves
def visit_update(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    if not visit.is_editable:
        return refuse_change(
            request, visit, _("A visit that is %(status)s can no longer be edited.")
        )
    form = VisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        visit = form.save()
        messages.success(request, _("Visit saved."))
        _warn_conflicts(request, conflicts_for([visit]).get(visit.pk, []))
        return redirect(visit)
    return _form_page(request, form, visit, _("Edit visit"))


@login_required
@permission_required("delegations.delete_visit", raise_exception=True)
def visit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    if not visit.can_delete:
        messages.error(request, _("Only draft visits can be deleted; cancel this one instead."))
        return redirect(visit)
    if request.method == "POST":
        visit.delete()
        messages.success(request, _("Visit “%(title)s” deleted.") % {"title": visit.title})
        return redirect("delegations:visit_list")
    context = {
        "object": visit,
        "cancel_url": visit.get_absolute_url(),
        "consequences": [
            _("Its participants, itinerary and logistics checklist are deleted with it."),
        ],
    }
    return render(request, "cityrelations/confirm_delete.html", context)


@login_required
@require_POST
def visit_transition_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step, from the visit page or the review queue (plain POST or htmx)."""
    visit = visit_for(pk)
    transition = TRANSITIONS.get(action)
    if transition is None or not request.user.has_perm(transition.permission):
        raise PermissionDenied
    form = TransitionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    error = ""
    try:
        visit_transition(visit=visit, by=request.user, action=action, comment=comment)
    except WrongRole as exc:
        raise PermissionDenied(exc.message) from exc
    except TransitionError as exc:
        error = exc.message
        visit.refresh_from_db()
    if request.headers.get("HX-Request") == "true" and request.POST.get("row"):
        return queue_row_response(request, visit, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": visit.title, "status": visit.get_status_display().lower()},
        )
    return redirect(safe_next(request, visit.get_absolute_url()))


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
@require_GET
def visit_conflicts_check(request: HttpRequest) -> HttpResponse:
    """The form's live warning (htmx): conflicts for the dates and cities being typed in."""
    visit = get_from_query(Visit, request.GET["visit"]) if request.GET.get("visit") else None
    form = VisitForm(request.GET, instance=visit)
    form.is_valid()  # only to get cleaned dates and cities; other errors are the form's business
    context = {"conflicts": _plan_conflicts(form, visit)}
    return render(request, "delegations/_conflicts.html", context)


def agenda_days(visit: Visit) -> list[tuple[Any, list[Any]]]:
    items = visit.agenda_items.select_related("city")
    return [(day, list(group)) for day, group in groupby(items, key=lambda a: a.date)]
