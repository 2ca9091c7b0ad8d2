"""The opportunity list's filters: stage, owner, sector, theme, organisation, city, country,
value range, search and sort. The board takes the same filters (without the stage)."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.filters import SortedFilterSet, StaffUserFilter, StyledFilterSet
from cityrelations.core.roles import active_users
from cityrelations.core.search import searched

from ..models import City, Opportunity, Organization, Theme, city_name_order
from ..models.opportunities import OPEN_STAGES, OpportunityQuerySet, Sector, Stage

OPEN = "open"
STAGE_CHOICES = [(OPEN, _("Open (not won or lost)")), *Stage.choices]


class OpportunityFilter(SortedFilterSet, StyledFilterSet):
    """An invalid value anywhere shows no opportunity (the form says what is wrong)."""

    SORTS = {
        "-updated": (_("Recently updated"), ("-updated_at", "-pk")),
        "title": (_("Title"), ("title", "pk")),
        "-value": (_("Largest value"), (F("value").desc(nulls_last=True), "title", "pk")),
        "value": (_("Smallest value"), (F("value").asc(nulls_last=True), "title", "pk")),
        "stage": (_("Stage"), ("stage", "title", "pk")),
        "organization": (_("Organisation"), ("organization__name", "title", "pk")),
    }
    DEFAULT_SORT = "-updated"

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="search")
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=STAGE_CHOICES, empty_label=_("Any stage"), method="by_stage"
    )
    owner = StaffUserFilter(label=_("Owner"), queryset=lambda request: active_users())
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, empty_label=_("Any sector")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all()
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.filter(opportunities__isnull=False)
        .distinct()
        .order_by("name"),
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        queryset=City.objects.filter(
            Q(opportunities__isnull=False) | Q(organizations__opportunities__isnull=False)
        )
        .distinct()
        .order_by(city_name_order(), "pk"),
        method="by_city",
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[], method="by_country")
    value_min = django_filters.NumberFilter(
        label=_("Value at least"), field_name="value", lookup_expr="gte", min_value=0
    )
    value_max = django_filters.NumberFilter(
        label=_("Value at most"), field_name="value", lookup_expr="lte", min_value=0
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = set(
            Opportunity.objects.exclude(country="").order_by().values_list("country", flat=True)
        ) | set(
            Opportunity.objects.filter(country="", city__isnull=False)
            .order_by()
            .values_list("city__country", flat=True)
        )
        self.filters["country"].extra["choices"] = [
            (code, name) for code, name in countries if code in used
        ]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return searched(queryset, value)

    def by_stage(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == OPEN:
            return queryset.filter(stage__in=OPEN_STAGES)
        return queryset.filter(stage=value)

    def by_city(self, queryset: QuerySet[Any], name: str, value: City) -> QuerySet[Any]:
        return cast(OpportunityQuerySet, queryset).in_city(value)

    def by_country(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(country=value) | Q(country="", city__country=value))
