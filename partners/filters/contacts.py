"""The contact list's filters: search, typed city and organisation names, country, language,
the city or organisation a link came from, and the sort order."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.filters import SortedFilterSet
from cityrelations.core.search import searched

from ..models import City, Contact, Organization, city_name_matches


def _language_pattern(language: str) -> str:
    """A case-insensitive regex matching one whole item of the comma-separated languages list."""
    return r"(^|[,;/ ])" + re.escape(language) + r"($|[,;/ ])"


def _countries_with_contacts() -> list[tuple[str, str]]:
    """Only the countries some contact is in; EXISTS uses the foreign-key index."""
    has_contacts = Exists(Contact.objects.filter(city=OuterRef("pk")))
    codes = set(
        City.objects.filter(has_contacts).order_by().values_list("country", flat=True).distinct()
    )
    return [(code, name) for code, name in countries if code in codes]


class ContactFilter(SortedFilterSet):
    """An invalid value anywhere shows every contact by name (the form says what is wrong)."""

    SORTS = {
        "name": (_("Name (A to Z)"), ("last_name", "first_name", "pk")),
        "-name": (_("Name (Z to A)"), ("-last_name", "-first_name", "-pk")),
        "city": (_("City"), ("city__name", "last_name", "pk")),
        "organization": (_("Organisation"), ("organization__name", "last_name", "pk")),
        "-updated": (_("Recently updated"), ("-updated_at", "-pk")),
    }
    DEFAULT_SORT = "name"

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="search")
    # Typed names rather than <select>s: thousands of cities and organisations would make the
    # page heavy. Links from a city or organisation page pass its id in the hidden fields.
    city_name = django_filters.CharFilter(
        label=_("City"), max_length=100, method="filter_city_name"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="city__country", choices=[], empty_label=_("Any country")
    )
    organization_name = django_filters.CharFilter(
        label=_("Organisation"), max_length=100, method="filter_organization_name"
    )
    language = django_filters.CharFilter(
        label=_("Language"), max_length=40, method="filter_language"
    )
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), widget=forms.HiddenInput)
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), widget=forms.HiddenInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = _countries_with_contacts()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.order_by(*self.SORTS[self.DEFAULT_SORT][1])
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return searched(queryset, value)

    def filter_city_name(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(city_name_matches(value, prefix="city__"))

    def filter_organization_name(
        self, queryset: QuerySet[Any], name: str, value: str
    ) -> QuerySet[Any]:
        return queryset.filter(
            Q(organization__name__icontains=value) | Q(organization__acronym__iexact=value)
        )

    def filter_language(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(languages__iregex=_language_pattern(value))
