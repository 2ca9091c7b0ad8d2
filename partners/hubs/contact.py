"""A contact's hub: the offices they hold and held, and their interactions (visits, gifts and
tasks come from the apps above through the registry). Each context runs a fixed number of
queries."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.panels import Panel, panel_rows

from ..models import Contact
from .links import add_url, filtered

OFFICE_ROWS = 8


def offices(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    """Current offices first (no end date, then the latest end), then the past ones."""
    held = contact.offices.select_related("city", "organization").order_by(
        F("ended_on").desc(nulls_first=True), F("started_on").desc(nulls_last=True), "-pk"
    )
    rows, count = panel_rows(held, limit=OFFICE_ROWS)
    today = timezone.localdate()
    return {
        "current_offices": [o for o in rows if o.ended_on is None or o.ended_on >= today],
        "past_offices": [o for o in rows if o.ended_on is not None and o.ended_on < today],
        "count": count,
        "all_url": "",
        "add_url": add_url(
            request, "partners.add_office", "partners:office_create", contact=contact.pk
        ),
        "add_label": _("Add office"),
        "empty_text": _("No office recorded."),
    }


def interactions(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    rows, count = panel_rows(contact.interactions.timeline())
    return {
        "interactions": rows,
        "count": count,
        "all_url": filtered("partners:interaction_list", contact=contact.pk),
        "add_url": add_url(
            request,
            "partners.add_interaction",
            "partners:interaction_create",
            contact=contact.pk,
        ),
        "add_label": _("Add interaction"),
        "empty_text": _("No interactions recorded."),
    }


PANELS = [
    Panel(
        key="offices",
        title=_("Offices"),
        template="partners/panels/contact_offices.html",
        context=offices,
        order=10,
        permission="partners.view_office",
    ),
    Panel(
        key="interactions",
        title=_("Recent interactions"),
        template="partners/panels/interactions.html",
        context=interactions,
        order=20,
        permission="partners.view_interaction",
    ),
]
