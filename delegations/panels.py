"""The visits and gifts panels that delegations adds to the hubs of a partnership, an
organisation and a contact, and the visits panel of a business opportunity's page (the visits
linked to it), since partners may not import delegations (see cityrelations.core.panels). Each context runs a fixed number of queries: coming
visits, past visits and their count."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.panels import PANEL_ROWS, Panel, add_link, panel_rows, register
from partners.models import Contact, Opportunity, Organization, Partnership

from .models import Gift, Visit, VisitQuerySet

HUBS = ("partnership", "organization", "contact")


def _url(route: str, **query: object) -> str:
    return f"{reverse(route)}?{urlencode(query)}"


def _visits_of(hub: str, record: Model) -> VisitQuerySet:
    if isinstance(record, Partnership):
        return Visit.objects.for_partnership(record)
    if isinstance(record, Organization):
        return Visit.objects.for_organization(record)
    if isinstance(record, Opportunity):
        return Visit.objects.for_opportunity(record)
    assert isinstance(record, Contact), hub
    return Visit.objects.for_contact(record)


def _visits_context(hub: str) -> Any:
    def context(request: HttpRequest, record: Model) -> dict[str, Any]:
        """Coming visits first (the soonest first), then past ones (the latest first)."""
        visits = _visits_of(hub, record)
        today = timezone.localdate()
        coming = list(visits.filter(end_date__gte=today).order_by("start_date", "pk")[:PANEL_ROWS])
        past = list(visits.filter(end_date__lt=today).order_by("-start_date", "-pk")[:PANEL_ROWS])
        # A contact's visits are not a list filter; the head of delegation prefills the form.
        key, pk = hub, record.pk
        prefill = {"head_of_delegation" if hub == "contact" else key: pk}
        return {
            "coming": coming,
            "past": past,
            "count": visits.count(),
            "all_url": _url("delegations:visit_list", **{key: pk}),
            "add_url": add_link(
                request, "delegations.add_visit", _url("delegations:visit_create", **prefill)
            ),
            "add_label": _("Add visit"),
            "empty_text": _("No visits either way."),
        }

    return context


def _gifts_context(request: HttpRequest, record: Model) -> dict[str, Any]:
    if isinstance(record, Partnership):
        gifts = Gift.objects.for_partnership(record)
        prefill: dict[str, object] = {}
        hub = "partnership"
    else:
        assert isinstance(record, Contact)
        gifts, prefill, hub = Gift.objects.for_contact(record), {"contact": record.pk}, "contact"
    rows, count = panel_rows(gifts.select_related("visit").order_by("-date", "-pk"))
    return {
        "gifts": rows,
        "count": count,
        "all_url": _url("delegations:gift_list", **{hub: record.pk}),
        "add_url": add_link(
            request, "delegations.add_gift", _url("delegations:gift_create", **prefill)
        ),
        "add_label": _("Record a gift"),
        "empty_text": _("No gifts exchanged."),
    }


def register_panels() -> None:
    for hub in HUBS:
        register(
            hub,
            Panel(
                key="visits",
                title=_("Visits"),
                template="delegations/panels/visits.html",
                context=_visits_context(hub),
                order=35,
                permission="delegations.view_visit",
            ),
        )
    register(
        "opportunity",
        Panel(
            key="visits",
            title=_("Visits"),
            template="delegations/panels/visits.html",
            context=_visits_context("opportunity"),
            order=35,
            permission="delegations.view_visit",
        ),
    )
    for hub in ("partnership", "contact"):
        register(
            hub,
            Panel(
                key="gifts",
                title=_("Gifts exchanged"),
                template="delegations/panels/gifts.html",
                context=_gifts_context,
                order=60,
                permission="delegations.view_gift",
            ),
        )
