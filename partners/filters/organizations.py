"""The organisation and membership lists' filters."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import django_filters
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.filters import (
    DaysFilter,
    SortedFilterSet,
    StaffUserFilter,
    StyledFilterSet,
    words_condition,
)
from cityrelations.core.roles import staff_users
from cityrelations.core.search import searched

from ..models import Membership, MembershipQuerySet, Organization, Theme


class OrganizationFilter(SortedFilterSet, StyledFilterSet):
    SORTS = {
        "name": (_("Name"), ("name",)),
        "kind": (_("Kind"), ("kind", "name")),
        "country": (_("Country"), ("country", "name")),
        "-created": (_("Recently added"), ("-created_at", "name")),
    }
    DEFAULT_SORT = "name"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organization.Kind.choices)
    country = django_filters.ChoiceFilter(label=_("Country"), choices=[])
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all()
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = (
            Organization.objects.exclude(country="")
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        used_codes = set(used)
        self.filters["country"].extra["choices"] = [
            (code, name) for code, name in countries if code in used_codes
        ]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return searched(queryset, value)


class MembershipFilter(SortedFilterSet, StyledFilterSet):
    SHOW_CHOICES = [("current", _("Current")), ("past", _("Past")), ("all", _("All"))]
    SORTS = {
        "fee_due": (
            _("Fee due date"),
            (F("fee_due_on").asc(nulls_last=True), "organization__name"),
        ),
        "report_due": (
            _("Report due date"),
            (F("next_report_due_on").asc(nulls_last=True), "organization__name"),
        ),
        "organization": (_("Organisation"), ("organization__name", "-since")),
        "-since": (
            _("Most recent first"),
            (F("since").desc(nulls_last=True), "organization__name"),
        ),
    }
    DEFAULT_SORT = "fee_due"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    show = django_filters.ChoiceFilter(
        label=_("Show"), choices=SHOW_CHOICES, method="sort_noop", empty_label=None
    )
    kind = django_filters.ChoiceFilter(
        label=_("Organisation kind"),
        field_name="organization__kind",
        choices=Organization.Kind.choices,
    )
    fee_due_within = DaysFilter(label=_("Fee due within (days)"), method="fee_due")
    report_due_within = DaysFilter(label=_("Report due within (days)"), method="report_due")
    coordinator = StaffUserFilter(label=_("Coordinator"), queryset=lambda request: staff_users())
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Membership
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        show = self.form.cleaned_data.get("show") or "current"
        if show == "current":
            queryset = cast(MembershipQuerySet, queryset).current()
        elif show == "past":
            queryset = queryset.filter(until__lt=today)
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        fields = ("organization__name", "organization__acronym", "role", "working_groups")
        return queryset.filter(words_condition(fields, value))

    def fee_due(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        horizon = timezone.localdate() + dt.timedelta(days=int(value))
        return queryset.filter(fee_due_on__isnull=False, fee_due_on__lte=horizon)

    def report_due(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        horizon = timezone.localdate() + dt.timedelta(days=int(value))
        return queryset.filter(next_report_due_on__isnull=False, next_report_due_on__lte=horizon)
