"""The agreements register: list with filters and export, detail with documents and history,
create, edit and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import (
    ProtectedError,
    RestrictedError,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.views import form_page, id_from_query

from ..documents import agreement_delete
from ..filters.agreements import AgreementFilter
from ..forms.agreements import AgreementForm
from ..models import Agreement, City, Organization, Partnership
from .bulk import AGREEMENT_BULK
from .exports import agreement_spreadsheet, register_queryset

if TYPE_CHECKING:
    pass

PER_PAGE = 25


def _agreement_for(pk: int) -> Agreement:
    queryset = Agreement.objects.select_related("partnership__city", "coordinator")
    return get_object_or_404(queryset, pk=pk)


def _list_trail() -> list[tuple[str, str]]:
    return [(_("Agreements"), reverse("partners:agreement_list"))]


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
def agreement_list(request: HttpRequest) -> HttpResponse:
    filterset = AgreementFilter(request.GET, queryset=register_queryset())
    page = paginate(request, filterset.qs, PER_PAGE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "partners/agreement_list.html",
        {
            "filter": filterset,
            "page": page,
            "agreements": page.object_list,
            "export_query": export_query.urlencode(),
            "today": timezone.localdate(),
            **bulk_context(request, AGREEMENT_BULK),
            **saved_views_context(request, "agreements", filter_form=filterset.form),
        },
    )


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
def agreement_export(request: HttpRequest) -> HttpResponse:
    """Every row the list shows for the same filters (all pages), as CSV or XLSX."""
    filterset = AgreementFilter(request.GET, queryset=register_queryset())
    fmt = "xlsx" if request.GET.get("fmt") == "xlsx" else "csv"
    return agreement_spreadsheet(filterset.qs, fmt)


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(pk)
    documents = list(agreement.documents.select_related("uploaded_by"))
    context = {
        "agreement": agreement,
        "cities": list(agreement.cities.order_by("name")),
        "organizations": list(agreement.organizations.order_by("name")),
        "themes": list(agreement.themes.all()),
        "documents": documents,
        "history": history_rows(agreement),
        "trail": [*_list_trail(), (agreement.title, "")],
        "today": timezone.localdate(),
    }
    return render(request, "partners/agreement_detail.html", context)


def _form_page(
    request: HttpRequest, form: AgreementForm, title: str, cancel_url: str
) -> HttpResponse:
    trail = [*_list_trail(), (title, "")]
    return form_page(request, form=form, title=title, cancel_url=cancel_url, trail=trail)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """Pre-fill from the page the user came from: ``?organization=``, ``?city=`` or
    ``?partnership=`` (a primary key); unknown or malformed values are ignored."""
    initial: dict[str, Any] = {}
    if (org_pk := id_from_query(request.GET.get("organization"))) is not None:
        organization = Organization.objects.filter(pk=org_pk).first()
        if organization is not None:
            initial["organizations"] = [organization]
    if (city_pk := id_from_query(request.GET.get("city"))) is not None:
        city = City.objects.filter(pk=city_pk).first()
        if city is not None:
            initial["cities"] = [city]
    if (partnership_pk := id_from_query(request.GET.get("partnership"))) is not None:
        partnership = Partnership.objects.select_related("city").filter(pk=partnership_pk).first()
        if partnership is not None:
            initial["partnership"] = partnership
            initial.setdefault("cities", [partnership.city])
    return initial


@login_required
@permission_required("partners.add_agreement", raise_exception=True)
def agreement_create(request: HttpRequest) -> HttpResponse:
    form = AgreementForm(request.POST or None, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            agreement = form.save()
        messages.success(request, _("Agreement “%(title)s” added.") % {"title": agreement.title})
        return redirect(agreement)
    return _form_page(request, form, _("New agreement"), reverse("partners:agreement_list"))


@login_required
@permission_required("partners.change_agreement", raise_exception=True)
@refuses_stale_saves
def agreement_update(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(pk)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            agreement = form.save()
        messages.success(request, _("Agreement “%(title)s” saved.") % {"title": agreement.title})
        return redirect(agreement)
    title = _("Edit %(title)s") % {"title": agreement.title}
    return _form_page(request, form, title, agreement.get_absolute_url())


@login_required
@permission_required("partners.delete_agreement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agreement_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(pk)
    if request.method == "POST":
        try:
            agreement_delete(agreement=agreement)
        except (ProtectedError, RestrictedError) as error:
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.args[1]})
            messages.error(
                request,
                _("“%(title)s” cannot be deleted while %(kinds)s refer to it.")
                % {"title": agreement.title, "kinds": ", ".join(kinds)},
            )
            return redirect(agreement)
        messages.success(request, _("Agreement “%(title)s” deleted.") % {"title": agreement.title})
        return redirect("partners:agreement_list")
    documents = agreement.documents.count()
    consequences = []
    if documents:
        consequences.append(
            ngettext(
                "Its %(count)d document file will be deleted too.",
                "Its %(count)d document files will be deleted too.",
                documents,
            )
            % {"count": documents}
        )
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": agreement,
            "cancel_url": agreement.get_absolute_url(),
            "consequences": consequences,
        },
    )
