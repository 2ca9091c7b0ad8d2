"""The partnership list's filters and sort orders, and the map's filters with its definition of
"in a network"."""

from __future__ import annotations

import datetime as dt
from typing import cast

import django_filters
from django import forms
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.filters import ANY, StaffUserFilter, StyledFilterSet
from cityrelations.core.roles import staff_users
from cityrelations.core.search import searched

from ..models import (
    SDG,
    Agreement,
    Continent,
    Organization,
    Partnership,
    PartnershipQuerySet,
    Project,
    Theme,
    city_name_order,
)

NO_CONTACT_DAYS = 365


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


class PartnershipFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Partnership.Level.choices, label=_("Level")
    )
    status = django_filters.ChoiceFilter(
        empty_label=ANY, choices=Partnership.Status.choices, label=_("Status")
    )
    # The dashboard's tiles link here with the group they count (PartnershipQuerySet.in_stage).
    stage = django_filters.ChoiceFilter(
        empty_label=ANY,
        choices=[
            ("open", _("Open (not ended)")),
            ("active", _("Active")),
            ("in_preparation", _("Proposed or under review")),
            ("dormant", _("Dormant")),
        ],
        method="filter_stage",
        label=_("Stage"),
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
    coordinator = StaffUserFilter(
        empty_label=ANY, queryset=lambda request: staff_users(), label=_("Coordinator")
    )
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
        return searched(queryset, value)

    def filter_stage(
        self, queryset: QuerySet[Partnership], name: str, value: str
    ) -> QuerySet[Partnership]:
        return cast(PartnershipQuerySet, queryset).in_stage(value) if value else queryset

    def filter_no_contact(
        self, queryset: QuerySet[Partnership], name: str, value: bool | None
    ) -> QuerySet[Partnership]:
        if not value:
            return queryset
        since = timezone.localdate() - dt.timedelta(days=NO_CONTACT_DAYS)
        return cast(PartnershipQuerySet, queryset).no_contact_since(since)


def _in_order(field: str, values: list[str]) -> Case:
    """Sort by the order of a TextChoices (the lifecycle), not alphabetically."""
    return Case(*(When(**{field: v}, then=Value(i)) for i, v in enumerate(values)), default=99)


def _partnership_sorts() -> dict[str, tuple[list[OrderBy], list[OrderBy]]]:
    """Each key's ascending and descending order; ties go by city name."""
    by_name = city_name_order("city__").asc()
    level = _in_order("level", Partnership.Level.values)
    status = _in_order("status", Partnership.Status.values)
    return {
        "city": ([by_name], [city_name_order("city__").desc()]),
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


class MapFilter(django_filters.FilterSet):
    """The map's filters. A partnership is "in a network" when one of its agreements or one of
    its cooperation projects names that network organisation (see :func:`in_network`)."""

    theme = django_filters.ModelChoiceFilter(
        field_name="themes",
        queryset=Theme.objects.all(),
        label=_("Theme"),
        empty_label=_("All themes"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    network = django_filters.ModelChoiceFilter(
        method="filter_network",
        queryset=network_organizations(),
        label=_("Network"),
        empty_label=_("All networks"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = Partnership
        fields: list[str] = []

    def filter_network(
        self, queryset: QuerySet[Partnership], name: str, value: Organization
    ) -> QuerySet[Partnership]:
        return in_network(queryset, value)
