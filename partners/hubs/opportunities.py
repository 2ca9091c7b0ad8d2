"""The opportunities panel on an organisation's and a city's hub page: its leads, open ones
first, each with its stage and value (two queries whatever the data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Model, QuerySet, Value, When
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cityrelations.core.panels import Panel, panel_rows

from ..models import City, Opportunity, Organization
from ..models.opportunities import OPEN_STAGES
from .links import add_url, filtered


def _panel(request: HttpRequest, record: Model, leads: QuerySet[Opportunity], key: str) -> Any:
    ordered = leads.annotate(
        closed=Case(
            When(stage__in=OPEN_STAGES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed", "-stage_changed_at", "-pk")
    rows, count = panel_rows(ordered)
    return {
        "opportunities": rows,
        "count": count,
        "all_url": filtered("partners:opportunity_list", **{key: record.pk}),
        "add_url": add_url(
            request, "partners.add_opportunity", "partners:opportunity_create", **{key: record.pk}
        ),
        "add_label": _("Add opportunity"),
        "empty_text": _("No business opportunities recorded."),
    }


def for_organization(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    return _panel(request, organization, organization.opportunities.all(), "organization")


def for_city(request: HttpRequest, city: City) -> dict[str, Any]:
    return _panel(request, city, Opportunity.objects.in_city(city), "city")


def panel(context: Any, order: int) -> Panel:
    return Panel(
        key="opportunities",
        title=_("Business opportunities"),
        template="partners/panels/opportunities.html",
        context=context,
        order=order,
        permission="partners.view_opportunity",
    )


ORGANIZATION_PANEL = panel(for_organization, order=55)
CITY_PANEL = panel(for_city, order=10)
