"""A partnership's hub: its agreements, the partner city's office holders and contacts, recent
interactions, cooperation projects and the networks the home city shares with the partner city.
Each context runs a fixed number of queries (two for a card: its rows and its count)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cityrelations.core.panels import PANEL_ROWS, Panel, panel_rows

from ..models import Agreement, Contact, Membership, Office, Partnership
from .links import add_url, filtered

OFFICE_ROWS = 8


def agreements(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    rows, count = panel_rows(Agreement.objects.for_partnership(partnership).by_expiry())
    return {
        "agreements": rows,
        "count": count,
        "all_url": filtered("partners:agreement_list", partnership=partnership.pk),
        "add_url": add_url(
            request,
            "partners.add_agreement",
            "partners:agreement_create",
            partnership=partnership.pk,
        ),
        "add_label": _("Add agreement"),
        "empty_text": _("No agreements with this city."),
    }


def people(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """Who holds an office in the partner city today ("Mayor of Vienna"), then the city's
    contacts. Offices are added on a contact's page, so the card's "add" is a contact."""
    current = (
        Office.objects.current()
        .filter(city_id=partnership.city_id)
        .select_related("contact", "organization")
        .order_by("title", "contact__last_name", "pk")
    )
    office_rows, office_count = panel_rows(current, limit=OFFICE_ROWS)
    people = (
        Contact.objects.filter(city_id=partnership.city_id)
        .select_related("organization")
        .order_by("last_name", "first_name", "pk")
    )
    rows, count = panel_rows(people)
    return {
        "offices": office_rows,
        "office_count": office_count,
        "has_rows": bool(office_rows),
        "contacts": rows,
        "count": count,
        "all_url": filtered("partners:contact_list", city=partnership.city_id),
        "add_url": add_url(
            request, "partners.add_contact", "partners:contact_create", city=partnership.city_id
        ),
        "add_label": _("Add contact"),
        "empty_text": _("No contacts in this city."),
    }


def interactions(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    rows, count = panel_rows(partnership.interactions.timeline())
    return {
        "interactions": rows,
        "count": count,
        "all_url": filtered("partners:interaction_list", partnership=partnership.pk),
        "add_url": add_url(
            request,
            "partners.add_interaction",
            "partners:interaction_create",
            partnership=partnership.pk,
        ),
        "add_label": _("Add interaction"),
        "empty_text": _("No interactions recorded."),
    }


def projects(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    rows, count = panel_rows(partnership.projects.order_by("-starts_on", "title"))
    return {
        "projects": rows,
        "count": count,
        "all_url": filtered("partners:project_list", partnership=partnership.pk),
        "add_url": add_url(
            request,
            "partners.add_project",
            "partners:project_create",
            partnership=partnership.pk,
        ),
        "add_label": _("Add project"),
        "empty_text": _("No cooperation projects."),
    }


def networks(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    shared = (
        Membership.objects.shared_with(partnership)
        .select_related("organization")
        .order_by("organization__name")
    )
    rows, count = panel_rows(shared, limit=PANEL_ROWS * 2)
    return {
        "memberships": rows,
        "count": count,
        "all_url": "",
        "add_url": add_url(request, "partners.add_membership", "partners:membership_create"),
        "add_label": _("Add membership"),
        "empty_text": _(
            "No current membership of ours in a network where this city or its "
            "organisations take part."
        ),
    }


PANELS = [
    Panel(
        key="agreements",
        title=_("Agreements"),
        template="partners/panels/agreements.html",
        context=agreements,
        order=10,
        permission="partners.view_agreement",
    ),
    Panel(
        key="people",
        title=_("Office holders and contacts"),
        template="partners/panels/people.html",
        context=people,
        order=20,
        permission="partners.view_contact",
    ),
    Panel(
        key="interactions",
        title=_("Recent interactions"),
        template="partners/panels/interactions.html",
        context=interactions,
        order=30,
        permission="partners.view_interaction",
    ),
    Panel(
        key="projects",
        title=_("Cooperation projects"),
        template="partners/panels/projects.html",
        context=projects,
        order=50,
        permission="partners.view_project",
    ),
    Panel(
        key="networks",
        title=_("Shared networks"),
        template="partners/panels/networks.html",
        context=networks,
        order=55,
        permission="partners.view_membership",
    ),
]
