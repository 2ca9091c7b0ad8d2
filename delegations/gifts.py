"""The gifts register: filters for the staff list and the public register, and the public columns.

The public register (page and CSV) shows only public columns: never the counterpart contact,
the storage location or the internal notes. Its query selects just those columns, so nothing
internal is even loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.widgets import QuickSelect
from partners.filters_organizations import SortedFilterSet, words_condition

from .models import Gift, Visit


def public_gifts() -> QuerySet[Gift]:
    """Only the columns the public may see (the visit title comes through a join)."""
    return Gift.objects.select_related("visit").only(
        "date",
        "direction",
        "description",
        "counterpart",
        "value",
        "currency",
        "disposition",
        "visit__title",
    )


def gift_years() -> list[tuple[Any, Any]]:
    """The years that have gifts, newest first, after an "any year" choice."""
    years = [(d.year, d.year) for d in Gift.objects.dates("date", "year", order="DESC")]
    return [("", _("Any year")), *years]


class YearFilter(django_filters.TypedChoiceFilter):
    """A year offered from the data; anything else makes the field invalid (and ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("field_name", "date")
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, **kwargs)


def visits_with_gifts() -> list[tuple[int, str]]:
    """Visits that have gifts, as ``(id, "date · title")``: one narrow query, no model instances
    (a busy register links thousands of visits)."""
    rows = (
        Visit.objects.filter(pk__in=Gift.objects.filter(visit__isnull=False).values("visit"))
        .order_by("-start_date", "title")
        .values_list("pk", "start_date", "title")
    )
    return [(pk, f"{start:%Y-%m-%d} · {title}") for pk, start, title in rows]


class GiftFilter(SortedFilterSet):
    SORTS = {
        "-date": (_("Date, newest first"), ("-date", "-pk")),
        "date": (_("Date, oldest first"), ("date", "pk")),
        "-value": (_("Value, highest first"), (F("value").desc(nulls_last=True), "-date")),
        "description": (_("Description"), ("description", "-date")),
        "counterpart": (_("Counterpart"), ("counterpart", "-date")),
    }
    DEFAULT_SORT = "-date"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    direction = django_filters.ChoiceFilter(
        label=_("Given / received"), choices=Gift.Direction.choices
    )
    disposition = django_filters.ChoiceFilter(
        label=_("Disposition"), choices=Gift.Disposition.choices
    )
    year = YearFilter(label=_("Year"), choices=[])
    visit = django_filters.ChoiceFilter(
        label=_("Visit"), field_name="visit", choices=visits_with_gifts, widget=QuickSelect
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    search_fields: Sequence[str] = (
        "description",
        "counterpart",
        "storage_location",
        "notes",
        "visit__title",
    )

    class Meta:
        model = Gift
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["sort"].extra["choices"] = self.sort_choices()
        self.filters["year"].extra["choices"] = gift_years()

    def search(self, queryset: QuerySet[Gift], name: str, value: str) -> QuerySet[Gift]:
        return queryset.filter(words_condition(self.search_fields, value))


class PublicGiftFilter(GiftFilter):
    """The public register searches public columns only and cannot filter by visit."""

    visit = None  # type: ignore[assignment]
    search_fields = ("description", "counterpart", "visit__title")


def visit_choice_label(visit: Visit) -> str:
    return f"{visit.start_date:%Y-%m-%d} · {visit.title}"


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Visit) -> str:  # type: ignore[override]
        return visit_choice_label(obj)


def public_rows(gifts: Iterable[Gift]) -> Iterator[list[Any]]:
    """Rows for the public CSV, in the order of :func:`public_headers`."""
    for gift in gifts:
        yield [
            gift.date.isoformat(),
            gift.get_direction_display(),
            gift.description,
            gift.counterpart,
            "" if gift.value is None else f"{gift.value:.2f}",
            gift.currency,
            gift.get_disposition_display(),
            gift.visit.title if gift.visit else "",
        ]


def public_headers() -> list[str]:
    return [
        str(_("Date")),
        str(_("Given / received")),
        str(_("Description")),
        str(_("Counterpart")),
        str(_("Value")),
        str(_("Currency")),
        str(_("Disposition")),
        str(_("Visit")),
    ]
