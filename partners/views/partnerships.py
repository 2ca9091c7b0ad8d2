"""Partnerships: filtered and sorted list with CSV/XLSX export, detail with timeline and history,
create, edit, delete, and "mark dormant"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.panels import panels_for
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.transitions import TransitionError, WrongRole
from cityrelations.core.views import id_from_query

from ..filters.partnerships import PartnershipFilter, sort_partnerships
from ..forms.partnerships import PartnershipForm, partnership_integrity_message
from ..lifecycle import partnership_transition
from ..models import Partnership
from ..timeline import agreement_entries, interaction_entries, merge_timeline, project_entries
from .bulk import PARTNERSHIP_BULK
from .exports import partnership_spreadsheet

PER_PAGE = 25
SORT_COLUMNS = [
    ("city", gettext_lazy("City")),
    ("country", gettext_lazy("Country")),
    ("level", gettext_lazy("Level")),
    ("status", gettext_lazy("Status")),
    ("established", gettext_lazy("Established")),
    ("last_contact", gettext_lazy("Last contact")),
]


def _partnership_for(pk: int) -> Partnership:
    return get_object_or_404(Partnership.objects.select_related("city", "coordinator"), pk=pk)


def _filtered(request: HttpRequest) -> tuple[PartnershipFilter, QuerySet[Partnership], str]:
    """The list's rows: filtered, then sorted by ``?sort=``. The export uses the same rows."""
    base = (
        Partnership.objects.with_last_contact()
        .select_related("city", "coordinator")
        .prefetch_related("themes")
    )
    partnership_filter = PartnershipFilter(request.GET or None, queryset=base)
    rows, sort = sort_partnerships(partnership_filter.qs, request.GET.get("sort"))
    return partnership_filter, rows, sort


def _sort_columns(current: str) -> list[dict[str, Any]]:
    columns = []
    for key, label in SORT_COLUMNS:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        columns.append(
            {
                "key": key,
                "label": label,
                "state": state,
                "next": f"-{key}" if state == "asc" else key,
            }
        )
    return columns


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    partnership_filter, rows, sort = _filtered(request)
    page = paginate(request, rows, PER_PAGE)
    return render(
        request,
        "partners/partnership_list.html",
        {
            "filter": partnership_filter,
            "page": page,
            "partnerships": page.object_list,
            "sort": sort,
            "columns": _sort_columns(sort),
            "filter_hidden": {"sort": sort if sort != "city" else ""},
            **bulk_context(request, PARTNERSHIP_BULK),
            **saved_views_context(request, "partnerships", filter_form=partnership_filter.form),
        },
    )


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def partnership_export(request: HttpRequest) -> HttpResponse:
    """Exactly the rows the list shows for the same query string (every page), as CSV or XLSX."""
    _filter, rows, _sort = _filtered(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return partnership_spreadsheet(rows, fmt)


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_for(pk)
    interactions = list(partnership.interactions.timeline())
    timeline = merge_timeline(
        interaction_entries(interactions),
        agreement_entries(partnership.agreements.all()),
        project_entries(partnership.projects.all()),
    )
    context = {
        "p": partnership,
        "themes": list(partnership.themes.all()),
        "sdgs": list(partnership.sdgs.all()),
        "timeline": timeline,
        "last_contact_on": interactions[0].occurred_on if interactions else None,
        "dormant_candidate": Partnership.objects.dormant_candidates()
        .filter(pk=partnership.pk)
        .exists(),
        "history": history_rows(partnership),
        "panels": panels_for("partnership", request, partnership),
        "trail": [
            (_("Partnerships"), reverse("partners:partnership_list")),
            (str(partnership.city), ""),
        ],
    }
    return render(request, "partners/partnership_detail.html", context)


def _initial_city(request: HttpRequest) -> dict[str, Any]:
    """``?city=<pk>`` preselects a city (the gazetteer page sends the user back with it)."""
    city = id_from_query(request.GET.get("city"))
    return {"city": city} if city is not None else {}


def _save(request: HttpRequest, form: PartnershipForm) -> Partnership | None:
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        # The form checked the constraints; this is a concurrent save winning the race.
        form.add_error(None, partnership_integrity_message(form.instance))
        return None


def _form_page(
    request: HttpRequest, form: PartnershipForm, *, title: str, cancel_url: str, trail: list
) -> HttpResponse:
    return render(
        request,
        "partners/partnership_form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "trail": trail,
            "new_city_url": reverse("partners:city_create")
            + "?"
            + urlencode({"next": request.path}),
        },
    )


@login_required
@permission_required("partners.add_partnership", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    form = PartnershipForm(request.POST or None, initial=_initial_city(request))
    if request.method == "POST" and form.is_valid():
        partnership = _save(request, form)
        if partnership is not None:
            messages.success(
                request,
                _("The partnership with %(city)s was created.") % {"city": partnership.city},
            )
            return redirect(partnership)
    list_url = reverse("partners:partnership_list")
    return _form_page(
        request,
        form,
        title=_("New partnership"),
        cancel_url=list_url,
        trail=[(_("Partnerships"), list_url), (_("New partnership"), "")],
    )


@login_required
@permission_required("partners.change_partnership", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def partnership_update(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_for(pk)
    form = PartnershipForm(
        request.POST or None, instance=partnership, initial=_initial_city(request)
    )
    if request.method == "POST" and form.is_valid() and _save(request, form) is not None:
        messages.success(request, _("The partnership was saved."))
        return redirect(partnership)
    return _form_page(
        request,
        form,
        title=_("Edit partnership with %(city)s") % {"city": partnership.city},
        cancel_url=partnership.get_absolute_url(),
        trail=[
            (_("Partnerships"), reverse("partners:partnership_list")),
            (str(partnership.city), partnership.get_absolute_url()),
            (_("Edit"), ""),
        ],
    )


@login_required
@permission_required("partners.delete_partnership", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partnership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership_for(pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                partnership.delete()
        except (ProtectedError, RestrictedError):
            messages.error(
                request,
                _("This partnership is still referred to by other records and cannot be deleted."),
            )
            return redirect(partnership)
        messages.success(
            request, _("The partnership with %(city)s was deleted.") % {"city": partnership.city}
        )
        return redirect("partners:partnership_list")
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": partnership,
            "cancel_url": partnership.get_absolute_url(),
            "consequences": partnership.deletion_consequences(),
        },
    )


@login_required
@permission_required("partners.change_partnership", raise_exception=True)
@require_http_methods(["GET", "POST"])
def partnership_mark_dormant(request: HttpRequest, pk: int) -> HttpResponse:
    """Only an active partnership can become dormant (the lifecycle says so); GET asks for
    confirmation."""
    partnership = _partnership_for(pk)
    if not partnership.can_become(Partnership.Status.DORMANT):
        messages.warning(request, _("Only an active partnership can be marked dormant."))
        return redirect(partnership)
    if request.method == "POST":
        try:
            partnership_transition(
                partnership=partnership, to=Partnership.Status.DORMANT, by=request.user
            )
        except WrongRole as error:
            raise PermissionDenied(error.message) from error
        except TransitionError as error:  # someone moved it on meanwhile
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The partnership with %(city)s is now dormant.") % {"city": partnership.city},
            )
        return redirect(partnership)
    return render(request, "partners/partnership_confirm_dormant.html", {"p": partnership})
