"""The visit list's filters: direction, level, status, a date range, a city, search and sort."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.widgets import QuickSelect, quicken
from partners.models import City

from .forms import DateInput
from .models import Visit


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget = quicken(field.widget)
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


def city_choices() -> list[tuple[int, str]]:
    """Cities that have visits, as ``(id, "name, country")``: one narrow query (a semi-join on
    the visit-city table) and one country-name table, not a model instance per city."""
    country_names = {code: str(name) for code, name in countries}
    rows = (
        City.objects.filter(Exists(Visit.cities.through.objects.filter(city_id=OuterRef("pk"))))
        .order_by("name")
        .values_list("pk", "name", "country")
    )
    return [
        (pk, f"{name}, {country_names.get(code, code)}" if code else name)
        for pk, name, code in rows
    ]


class VisitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or purpose")}),
    )
    direction = django_filters.ChoiceFilter(
        choices=Visit.Direction.choices, label=_("Direction"), empty_label=_("Any")
    )
    level = django_filters.ChoiceFilter(
        choices=Visit.Level.choices, label=_("Level"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=Visit.Status.choices, label=_("Status"), empty_label=_("Any")
    )
    date_from = django_filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("From"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("To"), widget=DateInput()
    )
    city = django_filters.ChoiceFilter(
        field_name="cities",
        choices=city_choices,
        label=_("City"),
        empty_label=_("Any"),
        distinct=True,
        widget=QuickSelect,
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("start_date", "start"),
            ("title", "title"),
            ("level", "level"),
            ("status", "status"),
        ),
        field_labels={
            "start": _("Start date"),
            "title": _("Title"),
            "level": _("Level"),
            "status": _("Status"),
        },
        label=_("Sort by"),
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self.form)

    def search(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(purpose__icontains=value))


class CalendarFilter(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(
        choices=Visit.Direction.choices, label=_("Direction"), empty_label=_("Any")
    )
    level = django_filters.ChoiceFilter(
        choices=Visit.Level.choices, label=_("Level"), empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        choices=Visit.Status.choices, label=_("Status"), empty_label=_("Any")
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self.form)
