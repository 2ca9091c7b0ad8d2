"""An organisation's hub: the home city's membership with its fees and payments, agreements,
contacts and office holders, recent interactions and cooperation projects (business
opportunities: ``hubs.opportunities``). Each context runs a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.panels import Panel, panel_rows

from ..models import FeePayment, Office, Organization
from .links import add_url, filtered

OFFICE_ROWS = 8


def memberships(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    """Memberships, current ones first, and the latest valid fee payments."""
    rows, count = panel_rows(
        organization.memberships.select_related("focal_point").order_by("-until", "-since")
    )
    payments, _count = panel_rows(
        FeePayment.objects.valid()
        .filter(membership__organization=organization)
        .order_by("-paid_on", "-pk")
    )
    return {
        "memberships": rows,
        "payments": payments,
        "today": timezone.localdate(),
        "count": count,
        "all_url": "",
        "add_url": add_url(
            request,
            "partners.add_membership",
            "partners:membership_create",
            organization=organization.pk,
        ),
        "add_label": _("Add membership"),
        "empty_text": _("The city is not currently a member."),
    }


def agreements(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    rows, count = panel_rows(organization.agreements.by_expiry())
    return {
        "agreements": rows,
        "count": count,
        "all_url": filtered("partners:agreement_list", organization=organization.pk),
        "add_url": add_url(
            request,
            "partners.add_agreement",
            "partners:agreement_create",
            organization=organization.pk,
        ),
        "add_label": _("Add agreement"),
        "empty_text": _("No agreements with this organisation."),
    }


def people(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    current = (
        Office.objects.current()
        .filter(organization=organization)
        .select_related("contact")
        .order_by("title", "contact__last_name", "pk")
    )
    office_rows, office_count = panel_rows(current, limit=OFFICE_ROWS)
    rows, count = panel_rows(organization.contacts.order_by("last_name", "first_name", "pk"))
    return {
        "offices": office_rows,
        "office_count": office_count,
        "has_rows": bool(office_rows),
        "contacts": rows,
        "count": count,
        "all_url": filtered("partners:contact_list", organization=organization.pk),
        "add_url": add_url(
            request,
            "partners.add_contact",
            "partners:contact_create",
            organization=organization.pk,
        ),
        "add_label": _("Add contact"),
        "empty_text": _("No contacts recorded."),
    }


def interactions(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    rows, count = panel_rows(organization.interactions.timeline())
    return {
        "interactions": rows,
        "count": count,
        "all_url": filtered("partners:interaction_list", organization=organization.pk),
        "add_url": add_url(
            request,
            "partners.add_interaction",
            "partners:interaction_create",
            organization=organization.pk,
        ),
        "add_label": _("Add interaction"),
        "empty_text": _("No interactions recorded."),
    }


def projects(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    rows, count = panel_rows(organization.projects.order_by("-starts_on", "title"))
    return {
        "projects": rows,
        "count": count,
        "all_url": filtered("partners:project_list", organization=organization.pk),
        "add_url": add_url(
            request,
            "partners.add_project",
            "partners:project_create",
            organization=organization.pk,
        ),
        "add_label": _("Add project"),
        "empty_text": _("No projects with this organisation."),
    }


PANELS = [
    Panel(
        key="memberships",
        title=_("Membership and fees"),
        template="partners/panels/memberships.html",
        context=memberships,
        order=10,
        permission="partners.view_membership",
    ),
    Panel(
        key="agreements",
        title=_("Agreements"),
        template="partners/panels/agreements.html",
        context=agreements,
        order=20,
        permission="partners.view_agreement",
    ),
    Panel(
        key="people",
        title=_("Office holders and contacts"),
        template="partners/panels/people.html",
        context=people,
        order=30,
        permission="partners.view_contact",
    ),
    Panel(
        key="interactions",
        title=_("Recent interactions"),
        template="partners/panels/interactions.html",
        context=interactions,
        order=40,
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
]
