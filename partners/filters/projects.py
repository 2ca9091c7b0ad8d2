"""The cooperation project list's filters: status, theme, SDG, funding programme, search, sort."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import SortedFilterSet
from cityrelations.core.search import searched

from ..models import SDG, Organization, Partnership, Project, Theme


def _programmes() -> list[tuple[str, str]]:
    programmes = (
        Project.objects.exclude(funding_programme="")
        .order_by("funding_programme")
        .values_list("funding_programme", flat=True)
        .distinct()
    )
    return [(p, p) for p in programmes]


class ProjectFilter(SortedFilterSet):
    """An invalid value anywhere shows no project (the form says what is wrong)."""

    SORTS = {
        "-starts_on": (_("Newest first"), (F("starts_on").desc(nulls_last=True), "title", "pk")),
        "starts_on": (_("Oldest first"), (F("starts_on").asc(nulls_last=True), "title", "pk")),
        "title": (_("Title"), ("title", "pk")),
        "-budget": (_("Largest budget"), (F("budget").desc(nulls_last=True), "title", "pk")),
        "-updated": (_("Recently updated"), ("-updated_at", "-pk")),
    }
    DEFAULT_SORT = "-starts_on"

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Project.Status.choices, empty_label=_("Any status")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all()
    )
    sdg = django_filters.ModelChoiceFilter(
        label=_("SDG"), field_name="sdgs", queryset=SDG.objects.all()
    )
    programme = django_filters.ChoiceFilter(
        label=_("Funding programme"),
        field_name="funding_programme",
        choices=[],
        empty_label=_("Any programme"),
    )
    # From a hub page's "Show all": the projects of that partnership or organisation (hidden).
    partnership = django_filters.ModelChoiceFilter(
        field_name="partnerships", queryset=Partnership.objects.all(), widget=forms.HiddenInput
    )
    organization = django_filters.ModelChoiceFilter(
        field_name="organizations", queryset=Organization.objects.all(), widget=forms.HiddenInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["programme"].extra["choices"] = _programmes()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return searched(queryset, value)
