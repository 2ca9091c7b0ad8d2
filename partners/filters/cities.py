"""The city list's filters: search, country, continent."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.filters import ANY, StyledFilterSet
from cityrelations.core.search import searched

from ..models import City, Continent


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
        return searched(queryset, value)
