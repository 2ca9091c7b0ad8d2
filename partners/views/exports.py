"""The partnership and agreement lists' CSV/XLSX exports: the rows of the whole filtered list,
or of a bulk export of the ticked rows (``partners.views.bulk``), in the same format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityrelations.core.exports import spreadsheet_response

from ..models import Agreement, AgreementDocument, Partnership

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PARTNERSHIP_EXPORT_HEADERS = [
    gettext_lazy("City"),
    gettext_lazy("Region"),
    gettext_lazy("Country"),
    gettext_lazy("Continent"),
    gettext_lazy("Level"),
    gettext_lazy("Status"),
    gettext_lazy("Proposed on"),
    gettext_lazy("Established on"),
    gettext_lazy("Ended on"),
    gettext_lazy("Council resolution"),
    gettext_lazy("Council resolution date"),
    gettext_lazy("Coordinator"),
    gettext_lazy("Themes"),
    gettext_lazy("SDGs"),
    gettext_lazy("Last contact"),
    gettext_lazy("Public"),
    gettext_lazy("Summary"),
]


def _coordinator_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def partnership_spreadsheet(rows: QuerySet[Partnership], fmt: str) -> HttpResponse:
    """The list's export of ``rows`` (annotated ``with_last_contact()``): the whole filtered list,
    or the rows ticked for a bulk export."""
    rows = rows.prefetch_related("sdgs")
    return spreadsheet_response(
        filename="partnerships",
        headers=[str(capfirst(header)) for header in PARTNERSHIP_EXPORT_HEADERS],
        rows=(
            [
                p.city.display_name,
                p.city.region,
                p.city.country_name,
                p.city.get_continent_display(),
                p.get_level_display(),
                p.get_status_display(),
                p.proposed_on,
                p.established_on,
                p.ended_on,
                p.council_resolution,
                p.council_resolution_on,
                _coordinator_name(p.coordinator),
                ", ".join(t.name for t in p.themes.all()),
                ", ".join(str(s.number) for s in p.sdgs.all()),
                p.last_contact_on,  # type: ignore[attr-defined]
                _("yes") if p.is_public else _("no"),
                p.summary,
            ]
            for p in rows
        ),
        fmt=fmt,
    )


class _DocumentCount(TypedDict):
    document_count: int


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


AGREEMENT_EXPORT_HEADERS = (
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


def agreement_spreadsheet(agreements: QuerySet[Any], fmt: str) -> HttpResponse:
    """The register's export of ``agreements`` (from ``register_queryset()``)."""
    rows = (_export_row(agreement) for agreement in agreements)
    filename = f"agreements-{timezone.localdate():%Y-%m-%d}"
    headers = [str(header) for header in AGREEMENT_EXPORT_HEADERS]
    return spreadsheet_response(filename=filename, headers=headers, rows=rows, fmt=fmt)
