"""Investment and business opportunities: the board by stage, the list (filters, export),
detail, create/edit/delete, and moving one to another stage.

A move works as a plain form POST (won and lost ask for the reason on a page of their own) and,
with htmx, in place: the board comes back re-rendered, the moved card in its new column, or the
card asking for its reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.exports import spreadsheet_response
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.panels import panels_for
from cityrelations.core.totals import money_totals, money_totals_by
from cityrelations.core.transitions import TransitionError
from cityrelations.core.views import form_page, object_from_query, safe_next

from ..filters.opportunities import OpportunityFilter
from ..forms.opportunities import MoveForm, OpportunityForm
from ..models import City, Opportunity, Organization
from ..models.opportunities import OPEN_STAGES, Stage
from ..pipeline import needs_reason, opportunity_move, stage_changes
from ..taskkinds import add_task_url

PAGE_SIZE = 25
# Won and lost cards stay on the board this long after the move; the list keeps them all.
CLOSED_ON_BOARD_DAYS = 90


def _opportunity_for(pk: int) -> Opportunity:
    return get_object_or_404(Opportunity.objects.for_cards(), pk=pk)


def _trail(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Opportunities"), reverse("partners:opportunity_board")), *items]


# --- board ------------------------------------------------------------------------------------


def board_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """The columns, each with its cards and the totals of their values per currency (two
    queries for the cards and their next steps, one for the totals). ``mine=1`` (in the query
    string, or in a move's form) shows only the user's own opportunities."""
    since = timezone.now() - dt.timedelta(days=CLOSED_ON_BOARD_DAYS)
    shown = Opportunity.objects.filter(Q(stage__in=OPEN_STAGES) | Q(stage_changed_at__gte=since))
    mine = "1" in (request.GET.get("mine"), request.POST.get("mine"))
    if mine:
        shown = shown.filter(owner=request.user.pk)
    board_url = reverse("partners:opportunity_board")
    cards = list(shown.for_cards().order_by("-stage_changed_at", "-pk"))
    totals: dict[str, list[dict[str, Any]]] = {}
    for row in money_totals_by(shown, group="stage", amount="value", currency="currency"):
        totals.setdefault(row["stage"], []).append(row)
    columns = [
        {
            "stage": stage,
            "label": label,
            "cards": [card for card in cards if card.stage == stage],
            "totals": totals.get(stage, []),
            "closed": stage not in OPEN_STAGES,
        }
        for stage, label in Stage.choices
    ]
    return {
        "columns": columns,
        "stages": Stage.choices,
        "today": timezone.localdate(),
        "closed_days": CLOSED_ON_BOARD_DAYS,
        "mine": mine,
        "all_url": board_url,
        "board_url": f"{board_url}?mine=1" if mine else board_url,
        **extra,
    }


@login_required
@permission_required("partners.view_opportunity", raise_exception=True)
@require_GET
def opportunity_board(request: HttpRequest) -> HttpResponse:
    context = board_context(request, trail=[(_("Opportunities"), "")])
    return render(request, "partners/opportunities/board.html", context)


@login_required
@permission_required("partners.change_opportunity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def opportunity_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move to another stage. Without JavaScript: a POST from a card or the detail page, and this
    page when won or lost still needs its reason. With htmx: the board, re-rendered."""
    opportunity = _opportunity_for(pk)
    form = MoveForm(request.POST or None, initial={"stage": request.GET.get("stage", "")})
    is_htmx = bool(getattr(request, "htmx", False))
    if request.method == "POST" and form.is_valid():
        stage, reason = form.cleaned_data["stage"], form.cleaned_data["reason"]
        if needs_reason(stage) and not reason.strip() and is_htmx:
            return _board_fragment(request, asking=opportunity.pk, asking_stage=stage)
        try:
            opportunity_move(opportunity=opportunity, to=stage, reason=reason, by=request.user)
        except TransitionError as error:
            if is_htmx:
                return _board_fragment(request, error=error.message)
            missing_reason = needs_reason(stage) and not reason.strip()
            form.add_error("reason" if missing_reason else None, error.message)
        else:
            message = _("“%(title)s” moved to “%(stage)s”.") % {
                "title": opportunity.title,
                "stage": Stage(stage).label,
            }
            if is_htmx:
                return _board_fragment(request, moved=opportunity.pk, status_message=message)
            messages.success(request, message)
            return redirect(safe_next(request, reverse("partners:opportunity_board")))
    return form_page(
        request,
        form=form,
        title=_("Move “%(title)s”") % {"title": opportunity.title},
        cancel_url=safe_next(request, opportunity.get_absolute_url()),
        trail=_trail((opportunity.title, opportunity.get_absolute_url()), (_("Move"), "")),
        template="partners/opportunities/move.html",
        extra={"opportunity": opportunity, "next": safe_next(request, "")},
        status=400 if form.errors else 200,
    )


def _board_fragment(request: HttpRequest, **extra: Any) -> HttpResponse:
    return render(request, "partners/opportunities/_board.html", board_context(request, **extra))


# --- list and export --------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> OpportunityFilter:
    queryset = Opportunity.objects.for_cards().prefetch_related("themes")
    return OpportunityFilter(request.GET, queryset=queryset)


@login_required
@permission_required("partners.view_opportunity", raise_exception=True)
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    opportunity_filter = _filtered(request)
    page = paginate(request, opportunity_filter.qs, PAGE_SIZE)
    return render(
        request,
        "partners/opportunities/list.html",
        {
            "form": opportunity_filter.form,
            "page": page,
            "opportunities": page.object_list,
            "today": timezone.localdate(),
            "value_totals": money_totals(
                opportunity_filter.qs, amount="value", currency="currency"
            ),
            "export_query": request.GET.urlencode(),
        },
    )


EXPORT_FORMATS = ("csv", "xlsx")


@login_required
@permission_required("partners.view_opportunity", raise_exception=True)
@require_GET
def opportunity_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV or XLSX. Business leads, not people: no personal data goes in
    (contacts are named in the app, not in the file), so the export is not logged."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        fmt = "csv"
    rows = _filtered(request).qs
    return spreadsheet_response(
        filename="opportunities",
        headers=[
            _("Title"),
            _("Stage"),
            _("Reason"),
            _("Organisation"),
            _("City"),
            _("Country"),
            _("Sector"),
            _("Themes"),
            _("Estimated value"),
            _("Currency"),
            _("Expected jobs"),
            _("Owner"),
            _("Next step"),
            _("Next step due"),
            _("Updated"),
        ],
        rows=(_export_row(o) for o in rows),
        fmt=fmt,
    )


def _export_row(o: Opportunity) -> list[Any]:
    step = o.next_step
    return [
        o.title,
        o.get_stage_display(),
        o.outcome_reason,
        str(o.organization) if o.organization else "",
        o.city.display_name if o.city else "",
        o.country_name,
        o.get_sector_display(),
        ", ".join(t.name for t in o.themes.all()),
        o.value,
        o.currency if o.value is not None else "",
        o.expected_jobs,
        (o.owner.get_full_name() or o.owner.get_username()) if o.owner else "",
        step.title if step else "",
        step.due_on if step else None,
        timezone.localtime(o.updated_at).replace(tzinfo=None),
    ]


# --- detail, create, edit, delete -------------------------------------------------------------


@login_required
@permission_required("partners.view_opportunity", raise_exception=True)
@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_for(pk)
    context = {
        "opportunity": opportunity,
        "contacts": opportunity.contacts.select_related("organization"),
        "themes": opportunity.themes.all(),
        "interactions": opportunity.interactions.timeline(),
        "stage_changes": stage_changes(opportunity),
        "move_form": MoveForm(current=opportunity.stage),
        "add_task_url": add_task_url(opportunity, next_url=opportunity.get_absolute_url()),
        "panels": panels_for("opportunity", request, opportunity),
        "history": history_rows(opportunity),
        "trail": _trail((opportunity.title, "")),
        "today": timezone.localdate(),
    }
    return render(request, "partners/opportunities/detail.html", context)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """``?organization=``/``?city=`` (from a hub page) choose it in the new opportunity."""
    initial: dict[str, Any] = {"owner": request.user}
    if organization := object_from_query(Organization, request.GET.get("organization")):
        initial["organization"] = organization
        initial["city"] = organization.city_id
    if city := object_from_query(City, request.GET.get("city")):
        initial["city"] = city
    return initial


@login_required
@permission_required("partners.add_opportunity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    form = OpportunityForm(request.POST or None, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        opportunity = form.save()
        messages.success(
            request, _("Opportunity “%(title)s” created.") % {"title": opportunity.title}
        )
        return redirect(opportunity)
    return form_page(
        request,
        form=form,
        title=_("New opportunity"),
        cancel_url=reverse("partners:opportunity_board"),
        trail=_trail((_("New"), "")),
    )


@login_required
@permission_required("partners.change_opportunity", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def opportunity_update(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_for(pk)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("Opportunity “%(title)s” saved.") % {"title": opportunity.title}
        )
        return redirect(opportunity)
    return form_page(
        request,
        form=form,
        title=_("Edit “%(title)s”") % {"title": opportunity.title},
        cancel_url=opportunity.get_absolute_url(),
        trail=_trail((opportunity.title, opportunity.get_absolute_url()), (_("Edit"), "")),
    )


@login_required
@permission_required("partners.delete_opportunity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def opportunity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _opportunity_for(pk)
    if request.method == "POST":
        title = opportunity.title
        opportunity.delete()
        messages.success(request, _("Opportunity “%(title)s” deleted.") % {"title": title})
        return redirect("partners:opportunity_board")
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": opportunity, "cancel_url": opportunity.get_absolute_url()},
    )
