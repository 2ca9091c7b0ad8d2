"""Bulk actions on the partnership, agreement and contact lists (``cityrelations.core.bulk``),
and the contact list's export (personal data: logged, for the diplomacy unit only)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from cityrelations.core.bulk import (
    BulkAction,
    BulkSpec,
    FieldChange,
    RowChange,
    StepChange,
    TagChange,
    bulk_page,
    no_guard,
    selected_ids,
)
from cityrelations.core.exports import personal_data_response, selection_filters
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.models import PersonalDataExport
from cityrelations.core.roles import is_diplomacy_unit, staff_users
from cityrelations.core.transitions import TransitionError

from ..filters.contacts import ContactFilter
from ..lifecycle import check_partnership_transition, partnership_transition
from ..models import (
    Agreement,
    Contact,
    Membership,
    Organization,
    Partnership,
    Project,
    Theme,
    city_name_order,
)
from .exports import agreement_spreadsheet, partnership_spreadsheet, register_queryset


def person_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def theme_actions(permission: str, guard: Callable[[Any], str] = no_guard) -> dict[str, BulkAction]:
    """The "add a theme" and "remove a theme" actions, for a list whose rows have ``themes``."""
    return {
        "add_theme": BulkAction(
            gettext_lazy("Add a theme"),
            permission,
            "theme",
            lambda data: TagChange("themes", data["theme"], add=True, guard=guard),
        ),
        "remove_theme": BulkAction(
            gettext_lazy("Remove a theme"),
            permission,
            "theme",
            lambda data: TagChange("themes", data["theme"], add=False, guard=guard),
        ),
    }


def person_action(
    label: Any, permission: str, field: str, guard: Callable[[Any], str] = no_guard
) -> BulkAction:
    return BulkAction(
        label,
        permission,
        "person",
        lambda data: FieldChange(field, data["person"], person_name, guard=guard),
    )


def value_fields(
    *, status_choices: Any = None, person_label: Any = None, themes: bool = True
) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    if status_choices is not None:
        fields["status"] = forms.ChoiceField(
            label=gettext_lazy("New status"), choices=[("", "—"), *status_choices]
        )
    if person_label is not None:
        fields["person"] = StaffUserChoiceField(queryset=staff_users(), label=person_label)
    if themes:
        fields["theme"] = forms.ModelChoiceField(
            queryset=Theme.objects.all(), label=gettext_lazy("Theme")
        )
    return fields


# --- Partnerships ---------------------------------------------------------------------------


def _partnership_status(data: dict[str, Any]) -> RowChange:
    to = data["status"]

    def step(partnership: Partnership, user: Any) -> None:
        partnership_transition(partnership=partnership, to=to, by=user)

    return StepChange(
        target_label=str(Partnership.Status(to).label),
        status_of=lambda p: p.get_status_display(),
        check=lambda p, user: check_partnership_transition(status=p.status, to=to, by=user),
        step=step,
    )


def _partnership_rows() -> QuerySet[Partnership]:
    return (
        Partnership.objects.with_last_contact()
        .select_related("city", "coordinator")
        .prefetch_related("themes")
        .order_by(city_name_order("city__").asc(), "pk")
    )


CHANGE_PARTNERSHIP = "partners.change_partnership"
PARTNERSHIP_BULK = BulkSpec(
    list_url_name="partners:partnership_list",
    noun=lambda n: ngettext("%(n)d partnership", "%(n)d partnerships", n) % {"n": n},
    rows=_partnership_rows,
    actions={
        "status": BulkAction(
            gettext_lazy("Change the status"), CHANGE_PARTNERSHIP, "status", _partnership_status
        ),
        "coordinator": person_action(
            gettext_lazy("Change the coordinator"), CHANGE_PARTNERSHIP, "coordinator"
        ),
        **theme_actions(CHANGE_PARTNERSHIP),
    },
    value_fields=lambda: value_fields(
        status_choices=Partnership.Status.choices, person_label=gettext_lazy("Coordinator")
    ),
    export=lambda request, rows, fmt: partnership_spreadsheet(rows, fmt),
)


# --- Agreements -----------------------------------------------------------------------------


def _agreement_status(data: dict[str, Any]) -> RowChange:
    """The agreement's status has no lifecycle table; a change must still satisfy the
    agreement's own constraints (checked when each row is saved)."""
    to = data["status"]

    def check(agreement: Agreement, user: Any) -> None:
        if not user.has_perm(CHANGE_AGREEMENT):
            raise TransitionError(_("You are not allowed to change agreements."))

    def step(agreement: Agreement, user: Any) -> None:
        check(agreement, user)
        FieldChange("status", to, str).apply(agreement, user)

    return StepChange(
        target_label=str(Agreement.Status(to).label),
        status_of=lambda a: a.get_status_display(),
        check=check,
        step=step,
    )


CHANGE_AGREEMENT = "partners.change_agreement"
AGREEMENT_BULK = BulkSpec(
    list_url_name="partners:agreement_list",
    noun=lambda n: ngettext("%(n)d agreement", "%(n)d agreements", n) % {"n": n},
    rows=lambda: register_queryset().select_related("coordinator").order_by("title", "pk"),
    actions={
        "status": BulkAction(
            gettext_lazy("Change the status"), CHANGE_AGREEMENT, "status", _agreement_status
        ),
        "coordinator": person_action(
            gettext_lazy("Change the coordinator"), CHANGE_AGREEMENT, "coordinator"
        ),
        **theme_actions(CHANGE_AGREEMENT),
    },
    value_fields=lambda: value_fields(
        status_choices=Agreement.Status.choices, person_label=gettext_lazy("Coordinator")
    ),
    export=lambda request, rows, fmt: agreement_spreadsheet(rows, fmt),
)


# --- Projects, organisations, memberships (no export of their own) ---------------------------

CHANGE_PROJECT = "partners.change_project"
PROJECT_BULK = BulkSpec(
    list_url_name="partners:project_list",
    noun=lambda n: ngettext("%(n)d project", "%(n)d projects", n) % {"n": n},
    rows=lambda: (
        Project.objects.select_related("coordinator")
        .prefetch_related("themes")
        .order_by("title", "pk")
    ),
    actions={
        "coordinator": person_action(
            gettext_lazy("Change the coordinator"), CHANGE_PROJECT, "coordinator"
        ),
        **theme_actions(CHANGE_PROJECT),
    },
    value_fields=lambda: value_fields(person_label=gettext_lazy("Coordinator")),
    export=None,
)

CHANGE_ORGANIZATION = "partners.change_organization"
ORGANIZATION_BULK = BulkSpec(
    list_url_name="partners:organization_list",
    noun=lambda n: ngettext("%(n)d organisation", "%(n)d organisations", n) % {"n": n},
    rows=lambda: Organization.objects.prefetch_related("themes").order_by("name", "pk"),
    actions=theme_actions(CHANGE_ORGANIZATION),
    value_fields=value_fields,
    export=None,
)

CHANGE_MEMBERSHIP = "partners.change_membership"
MEMBERSHIP_BULK = BulkSpec(
    list_url_name="partners:membership_list",
    noun=lambda n: ngettext("%(n)d membership", "%(n)d memberships", n) % {"n": n},
    rows=lambda: Membership.objects.select_related("organization", "coordinator").order_by(
        "organization__name", "pk"
    ),
    actions={
        "coordinator": person_action(
            gettext_lazy("Change the coordinator"), CHANGE_MEMBERSHIP, "coordinator"
        ),
    },
    value_fields=lambda: value_fields(person_label=gettext_lazy("Coordinator"), themes=False),
    export=None,
)


# --- Contacts -------------------------------------------------------------------------------

CONTACT_EXPORT_HEADERS = (
    gettext_lazy("Honorific"),
    gettext_lazy("First name"),
    gettext_lazy("Last name"),
    gettext_lazy("Form of address"),
    gettext_lazy("Email"),
    gettext_lazy("Phone"),
    gettext_lazy("City"),
    gettext_lazy("Country"),
    gettext_lazy("Organisation"),
    gettext_lazy("Languages"),
)


def may_export_contacts(user: Any) -> bool:
    """Contacts are personal data: the diplomacy unit exports them, the mayor's office does not."""
    return is_diplomacy_unit(user) and user.has_perm("partners.view_contact")


def contact_spreadsheet(
    request: HttpRequest, contacts: QuerySet[Contact], fmt: str
) -> HttpResponse:
    """The contacts as CSV or XLSX, recorded in the personal-data export log: the list's
    filters for the list's export (GET), the ticked contacts' ids for a selection (POST)."""
    if not may_export_contacts(request.user):
        raise PermissionDenied(
            _("Contacts are personal data: only the diplomacy unit exports them.")
        )
    people = list(contacts.select_related("city", "organization"))
    filters = selection_filters([c.pk for c in people]) if request.method == "POST" else None
    rows = (
        [
            c.honorific,
            c.first_name,
            c.last_name,
            c.form_of_address,
            c.email,
            c.phone,
            c.city.display_name if c.city else "",
            c.city.country_name if c.city else "",
            str(c.organization) if c.organization else "",
            c.languages,
        ]
        for c in people
    )
    return personal_data_response(
        request=request,
        kind=PersonalDataExport.Kind.CONTACTS,
        filename="contacts",
        headers=[str(header) for header in CONTACT_EXPORT_HEADERS],
        rows=rows,
        fmt=fmt,
        filters=filters,
    )


CONTACT_BULK = BulkSpec(
    list_url_name="partners:contact_list",
    noun=lambda n: ngettext("%(n)d contact", "%(n)d contacts", n) % {"n": n},
    rows=lambda: Contact.objects.order_by("last_name", "first_name", "pk"),
    actions={},
    value_fields=dict,
    export=contact_spreadsheet,
    export_allowed=may_export_contacts,
    checkbox_name="pick",  # shared with "compare and merge"
)


def exports_contacts(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """403 before anything else for a user who may not export contacts (the mayor's office)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_export_contacts(request.user):
            raise PermissionDenied(
                _("Contacts are personal data: only the diplomacy unit exports them.")
            )
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@permission_required("partners.view_contact", raise_exception=True)
@exports_contacts
@require_GET
def contact_export(request: HttpRequest) -> HttpResponse:
    """Every contact the list shows for the same filters (all pages)."""
    contact_filter = ContactFilter(request.GET, queryset=Contact.objects.all())
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return contact_spreadsheet(request, contact_filter.qs, fmt)


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_POST
def partnership_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, PARTNERSHIP_BULK)


@login_required
@permission_required("partners.view_agreement", raise_exception=True)
@require_POST
def agreement_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, AGREEMENT_BULK)


@login_required
@permission_required("partners.view_contact", raise_exception=True)
@require_POST
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """The selection's export, or "compare and merge" the two ticked contacts (its own page)."""
    if request.POST.get("merge"):
        query = urlencode([("pick", pk) for pk in selected_ids(request, CONTACT_BULK)])
        return HttpResponseRedirect(f"{reverse('partners:contact_merge')}?{query}")
    return bulk_page(request, CONTACT_BULK)


@login_required
@permission_required("partners.view_project", raise_exception=True)
@require_POST
def project_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, PROJECT_BULK)


@login_required
@permission_required("partners.view_organization", raise_exception=True)
@require_POST
def organization_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, ORGANIZATION_BULK)


@login_required
@permission_required("partners.view_membership", raise_exception=True)
@require_POST
def membership_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, MEMBERSHIP_BULK)
