"""django-filter FilterSets and sort orders for the city and partnership lists, and the map's
network definition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.roles import DIPLOMACY_UNIT, staff_users
from cityrelations.core.widgets import quicken

from .models import SDG, Agreement, City, Continent, Organization, Partnership, Project, Theme

NO_CONTACT_DAYS = 365
ANY = _("Any")


def diplomacy_unit_users() -> QuerySet[Any]:
    """Active members of the diplomacy unit: the people who can coordinate a partnership."""
    return staff_users(DIPLOMACY_UNIT)


def _coordinators(request: Any) -> QuerySet[Any]:
    return diplomacy_unit_users()


def _user_label(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class _StaffUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class StaffUserFilter(django_filters.ModelChoiceFilter):
    field_class = _StaffUserField


def in_network(
    queryset: QuerySet[Partnership], organization: Organization
) -> QuerySet[Partnership]:
    """Partnerships linked to ``organization`` through an agreement of the partnership or a
    cooperation project the partnership takes part in (the map's definition of "in a network")."""
    by_agreement = Agreement.objects.filter(partnership=OuterRef("pk"), organizations=organization)
    by_project = Project.partnerships.through.objects.filter(
        partnership=OuterRef("pk"), project__organizations=organization
    )
    return queryset.filter(Exists(by_agreement) | Exists(by_project))


def network_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=Organization.Kind.NETWORK).order_by("name")


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the form's widgets (and ``is-invalid`` on fields with errors), so
    templates can render ``{{ field }}`` (rendering a ModelChoiceField's choices by hand costs
    an extra COUNT query per field)."""

    @property
    def form(self) -> forms.Form:
        form = super().form
        if not getattr(form, "_styled", False):
            for name, field in form.fields.items():
                widget = field.widget = quicken(field.widget)
                if isinstance(widget, forms.CheckboxInput):
                    css = "form-check-input"
                elif isinstance(widget, forms.Select):
                    css = "form-select form-select-sm"
                else:
                    css = "form-control form-control-sm"
                if self.is_bound and name in form.errors:
                    css += " is-invalid"
                widget.attrs["class"] = css
            form._styled = True  # type: ignore[attr-defined]
        return form


# --- Cities -------------------------------------------------------------------------------------


class CityFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    country = django_filters.ChoiceFilter(empty_label=ANY, choices=countries, label=_("Country"))
    continent = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Continent.choices, label=_("Continent")
    )

    class Meta:
        model = City
        fields: list[str] = []

    def search(self, queryset: QuerySet[City], name: str, value: str) -> QuerySet[City]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(region__icontains=value))


# --- Partnerships -------------------------------------------------------------------------------


class PartnershipFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Partnership.Level.choices, label=_("Level")
    )
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Partnership.Status.choices, label=_("Status")
    )
    country = django_filters.ChoiceFilter(
        empty_label=ANY, field_name="city__country", choices=countries, label=_("Country")
    )
    continent = django_filters.ChoiceFilter(
        empty_label=ANY,
        field_name="city__continent",
        choices=Continent.choices,
        label=_("Continent"),
    )
    theme = django_filters.ModelChoiceFilter(
        empty_label=ANY, field_name="themes", queryset=Theme.objects.all(), label=_("Theme")
    )
    sdg = django_filters.ModelChoiceFilter(
        empty_label=ANY, field_name="sdgs", queryset=SDG.objects.all(), label=_("SDG")
    )
    coordinator = StaffUserFilter(empty_label=ANY, queryset=_coordinators, label=_("Coordinator"))
    no_contact = django_filters.BooleanFilter(
        method="filter_no_contact",
        label=_("No contact for 12 months"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Partnership
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Partnership], name: str, value: str
    ) -> QuerySet[Partnership]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(city__name__icontains=value)
            | Q(city__region__icontains=value)
            | Q(council_resolution__icontains=value)
            | Q(summary__icontains=value)
            | Q(notes__icontains=value)
        )

    def filter_no_contact(
        self, queryset: QuerySet[Partnership], name: str, value: bool | None
    ) -> QuerySet[Partnership]:
        if not value:
            return queryset
        since = timezone.localdate() - dt.timedelta(days=NO_CONTACT_DAYS)
        return queryset.no_contact_since(since)  # type: ignore[attr-defined]


def _in_order(field: str, values: list[str]) -> Case:
    """Sort by the order of a TextChoices (the lifecycle), not alphabetically."""
    return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)), default=99)


def _partnership_sorts() -> dict[str, tuple[list[OrderBy], list[OrderBy]]]:
    """Each key's ascending and descending order; ties go by city name."""
    by_name = F("city__name").asc()
    level = _in_order("level", Partnership.Level.values)
    status = _in_order("status", Partnership.Status.values)
    return {
        "city": ([F("city__name").asc()], [F("city__name").desc()]),
        "country": (
            [F("city__country").asc(), by_name],
            [F("city__country").desc(), by_name],
        ),
        "level": ([level.asc(), by_name], [level.desc(), by_name]),
        "status": ([status.asc(), by_name], [status.desc(), by_name]),
        # Unknown dates go last either way.
        "established": (
            [F("established_on").asc(nulls_last=True), by_name],
            [F("established_on").desc(nulls_last=True), by_name],
        ),
        # Ascending = most neglected first, so "never" leads; descending = most recent first.
        "last_contact": (
            [F("last_contact_on").asc(nulls_first=True), by_name],
            [F("last_contact_on").desc(nulls_last=True), by_name],
        ),
    }


PARTNERSHIP_SORT_KEYS = ("city", "country", "level", "status", "established", "last_contact")


def sort_partnerships(
    queryset: QuerySet[Partnership], sort: str | None
) -> tuple[QuerySet[Partnership], str]:
    """Apply ``?sort=key`` or ``?sort=-key``; unknown keys fall back to the city name. Returns the
    queryset and the sort actually applied. ``last_contact`` needs ``with_last_contact()``."""
    sort = (sort or "").strip()
    key = sort.removeprefix("-")
    if key not in PARTNERSHIP_SORT_KEYS:
        sort, key = "city", "city"
    ascending, descending = _partnership_sorts()[key]
    order = descending if sort.startswith("-") else ascending
    return queryset.order_by(*order, "pk"), sort
