"""The agreements register's filters (the list and its CSV/XLSX export share them)."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import DaysFilter, SortedFilterSet, StyledFilterSet
from cityrelations.core.search import searched

from ..models import Agreement, AgreementQuerySet, City, Organization, Partnership, Theme
from ..widgets import SearchableSelect


class CityCodeChoiceField(forms.ModelChoiceField):
    """ "Bécs (AT)": the city in the reader's language; the country code, not its translated name,
    keeps thousands of labels cheap."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.__dict__.get('country') or '?'})"


class CityCodeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CityCodeChoiceField


class AgreementFilter(SortedFilterSet, StyledFilterSet):
    SORTS = {
        "-signed": (
            _("Signed, newest first"),
            (F("signed_on").desc(nulls_last=True), "title"),
        ),
        "signed": (_("Signed, oldest first"), (F("signed_on").asc(nulls_last=True), "title")),
        "valid_until": (
            _("Expiry, soonest first"),
            (F("valid_until").asc(nulls_last=True), "title"),
        ),
        "title": (_("Title"), ("title",)),
        "status": (_("Status"), ("status", "title")),
        "kind": (_("Kind"), ("kind", "title")),
    }
    DEFAULT_SORT = "-signed"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Agreement.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Agreement.Status.choices)
    # The dashboard's "in force" tile links here (AgreementQuerySet.in_force, as it counts).
    in_force = django_filters.BooleanFilter(
        label=_("In force today"), method="filter_in_force", widget=forms.CheckboxInput
    )
    expiring_within = DaysFilter(
        label=_("Expiring within (days)"),
        method="expiring",
        help_text=_("Signed or in force, and ending within this many days."),
    )
    city = CityCodeChoiceFilter(
        label=_("City"),
        field_name="cities",
        queryset=City.objects.only("pk", "name", "name_hu", "country").order_by("name", "country"),
        widget=SearchableSelect("city"),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="organizations",
        queryset=Organization.objects.only("pk", "name", "acronym").order_by("name"),
        widget=SearchableSelect("organization"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all()
    )
    # From a partnership's hub, "Show all": the same agreements as its panel (hidden).
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(), method="for_partnership", widget=forms.HiddenInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return searched(queryset, value)

    def filter_in_force(
        self, queryset: QuerySet[Any], name: str, value: bool | None
    ) -> QuerySet[Any]:
        return cast(AgreementQuerySet, queryset).in_force() if value else queryset

    def for_partnership(
        self, queryset: QuerySet[Any], name: str, value: Partnership | None
    ) -> QuerySet[Any]:
        return cast(AgreementQuerySet, queryset).for_partnership(value) if value else queryset

    def expiring(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return cast(AgreementQuerySet, queryset).expiring(int(value))
