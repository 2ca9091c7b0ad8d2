"""The agreements register: list with filters and export, detail with documents and history,
create, edit and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    ProtectedError,
    QuerySet,
    RestrictedError,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.exports import spreadsheet_response
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.views import form_page, id_from_query

from ..documents import agreement_delete
from ..filters.agreements import AgreementFilter
from ..forms.agreements import AgreementForm
from ..models import Agreement, AgreementDocument, City, Organization, Partnership

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PER_PAGE = 25


class _DocumentCount(TypedDict):
    document_count: int


def _agreement_for(pk: int) -> Agreement:
    queryset = Agreement.objects.select_related("partnership__city", "coordinator")
    return get_object_or_404(queryset, pk=pk)


def _list_trail() -> list[tuple[str, str]]:
    return [(_("Agreements"), reverse("partners:agreement_list"))]


def register_queryset() -> QuerySet[WithAnnotations[Agreement, _DocumentCount]]:
    documents = (
        AgreementDocument.objects.filter(agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registered = (
        Agreement.objects.select_related("partnership__city")
        .prefetch_related("cities", "organizations", "themes")
        .annotate(
            document_count=Coalesce(Subquery(documents, output_field=IntegerField()), Value(0))
        )
    )
    # The plugin types the annotation as Any; the rows carry an int.
    return cast("QuerySet[WithAnnotations[Agreement, _DocumentCount]]", registered)


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
def agreement_list(request: HttpRequest) -> HttpResponse:
    from .bulk import AGREEMENT_BULK  # it exports through this module

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


EXPORT_HEADERS = (
    gettext_lazy("Title"),
    gettext_lazy("Kind"),
    gettext_lazy("Status"),
    gettext_lazy("Our signatory"),
    gettext_lazy("Partner's signatory"),
    gettext_lazy("Signed on"),
    gettext_lazy("Signed at"),
    gettext_lazy("Valid from"),
    gettext_lazy("Valid until"),
    gettext_lazy("Renewal notice date"),
    gettext_lazy("Council resolution"),
    gettext_lazy("Partnership"),
    gettext_lazy("Cities"),
    gettext_lazy("Organisations"),
    gettext_lazy("Themes"),
    gettext_lazy("Public"),
    gettext_lazy("Documents"),
)


def _export_row(agreement: WithAnnotations[Agreement, _DocumentCount]) -> list[Any]:
    return [
        agreement.title,
        agreement.get_kind_display(),
        agreement.get_status_display(),
        agreement.signatory_home,
        agreement.signatory_partner,
        agreement.signed_on,
        agreement.signed_at,
        agreement.valid_from,
        agreement.valid_until,
        agreement.renewal_notice_on,
        agreement.council_resolution,
        str(agreement.partnership) if agreement.partnership else "",
        "; ".join(str(c) for c in agreement.cities.all()),
        "; ".join(str(o) for o in agreement.organizations.all()),
        "; ".join(str(t) for t in agreement.themes.all()),
        _("yes") if agreement.is_public else _("no"),
        agreement.document_count,
    ]


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
def agreement_export(request: HttpRequest) -> HttpResponse:
    """Every row the list shows for the same filters (all pages), as CSV or XLSX."""
    filterset = AgreementFilter(request.GET, queryset=register_queryset())
    fmt = "xlsx" if request.GET.get("fmt") == "xlsx" else "csv"
    return agreement_spreadsheet(filterset.qs, fmt)


def agreement_spreadsheet(agreements: QuerySet[Any], fmt: str) -> HttpResponse:
    """The register's export of ``agreements`` (from ``register_queryset()``)."""
    rows = (_export_row(agreement) for agreement in agreements)
    filename = f"agreements-{timezone.localdate():%Y-%m-%d}"
    headers = [str(header) for header in EXPORT_HEADERS]
    return spreadsheet_response(filename=filename, headers=headers, rows=rows, fmt=fmt)


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
