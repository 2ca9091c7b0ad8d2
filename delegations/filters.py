"""The delegations' list filters: visits (direction, level, status, a date range, a city, search
and sort), the calendar, and the gifts register (the staff list and the public register)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import ANY, SortedFilterSet, StyledFilterSet, words_condition
from cityrelations.core.formats import date_formatter
from cityrelations.core.search import searched
from cityrelations.core.widgets import DateInput, QuickSelect
from partners.geo import country_name
from partners.models import City, Contact, Opportunity, Organization, Partnership, local_city_name

from .models import Event, Gift, Registration, Visit, VisitRequest
from .models.gifts import GiftQuerySet
from .models.visits import VisitQuerySet


class _FullSizeFilterSet(StyledFilterSet):
    """The visit list and calendar: full-size controls, errors shown under each field."""

    small_widgets = False
    mark_invalid = False


def _any_of(choices: Any, *, label: Any) -> django_filters.ChoiceFilter:
    """One of a visit's choices, or any ("Any" first)."""
    return django_filters.ChoiceFilter(choices=choices, label=label, empty_label=ANY)


def city_choices() -> list[tuple[int, str]]:
    """Cities that have visits, as ``(id, "name, country")`` in the reader's language, sorted by
    that name: one narrow query (a semi-join on the visit-city table), not a model instance per
    city; the country names come from the one cache every page names countries by."""
    rows = (
        City.objects.filter(Exists(Visit.cities.through.objects.filter(city_id=OuterRef("pk"))))
        .order_by("name", "pk")
        .values_list("pk", "name", "name_hu", "country")
    )
    choices = [
        (pk, f"{local}, {country_name(code)}" if code else local)
        for pk, name, name_hu, code in rows
        for local in (local_city_name(name, name_hu),)
    ]
    return sorted(choices, key=lambda choice: choice[1].casefold())


class VisitFilter(_FullSizeFilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or purpose")}),
    )
    direction = _any_of(Visit.Direction.choices, label=_("Direction"))
    level = _any_of(Visit.Level.choices, label=_("Level"))
    status = _any_of(Visit.Status.choices, label=_("Status"))
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
        empty_label=ANY,
        distinct=True,
        widget=QuickSelect,
    )
    # From a hub page's "Show all": the same visits as its panel (hidden; no choice list).
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(), method="for_record", widget=forms.HiddenInput
    )
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="for_record", widget=forms.HiddenInput
    )
    contact = django_filters.ModelChoiceFilter(
        queryset=Contact.objects.all(), method="for_record", widget=forms.HiddenInput
    )
    opportunity = django_filters.ModelChoiceFilter(
        queryset=Opportunity.objects.all(), method="for_record", widget=forms.HiddenInput
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

    def for_record(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        if not value:
            return queryset
        visits = cast(VisitQuerySet, queryset)
        if name == "partnership":
            return visits.for_partnership(value)
        if name == "organization":
            return visits.for_organization(value)
        if name == "opportunity":
            return visits.for_opportunity(value)
        return visits.for_contact(value)

    def search(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        return searched(queryset, value)


CLOSED_STATUSES = (Visit.Status.DECLINED, Visit.Status.CANCELLED)


class CalendarFilter(_FullSizeFilterSet):
    """Declined and cancelled visits take no time in anyone's diary: hidden unless asked for
    (``?closed=on``, or a status filter that names one of them)."""

    direction = _any_of(Visit.Direction.choices, label=_("Direction"))
    level = _any_of(Visit.Level.choices, label=_("Level"))
    status = _any_of(Visit.Status.choices, label=_("Status"))
    closed = django_filters.BooleanFilter(
        label=_("Show declined and cancelled"), method="keep", widget=forms.CheckboxInput
    )

    class Meta:
        model = Visit
        fields: list[str] = []

    def keep(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        return queryset

    def shows_closed(self) -> bool:
        if not (self.is_bound and self.form.is_valid()):
            return False
        cleaned = self.form.cleaned_data
        return bool(cleaned.get("closed")) or cleaned.get("status") in CLOSED_STATUSES

    @property
    def visible(self) -> QuerySet[Visit]:
        """The filtered visits, without the declined and cancelled ones unless asked for."""
        return self.qs if self.shows_closed() else self.qs.filter(~Q(status__in=CLOSED_STATUSES))


# --- Gifts register -----------------------------------------------------------------------------


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
    day = date_formatter()
    return [(pk, f"{day(start)} · {title}") for pk, start, title in rows]


class GiftFilter(SortedFilterSet, StyledFilterSet):
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
    # From a hub page's "Show all": the same gifts as its panel (hidden; no choice list).
    partnership = django_filters.ModelChoiceFilter(
        queryset=Partnership.objects.all(), method="for_record", widget=forms.HiddenInput
    )
    contact = django_filters.ModelChoiceFilter(
        queryset=Contact.objects.all(), method="for_record", widget=forms.HiddenInput
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
        self.filters["year"].extra["choices"] = gift_years()

    def search(self, queryset: QuerySet[Gift], name: str, value: str) -> QuerySet[Gift]:
        return queryset.filter(words_condition(self.search_fields, value))

    def for_record(self, queryset: QuerySet[Gift], name: str, value: Any) -> QuerySet[Gift]:
        if not value:
            return queryset
        gifts = cast(GiftQuerySet, queryset)
        return gifts.for_partnership(value) if name == "partnership" else gifts.for_contact(value)


class PublicGiftFilter(GiftFilter):
    """The public register searches public columns only and cannot filter by visit."""

    visit = None  # django-filter drops a filter declared as None
    partnership = None
    contact = None
    search_fields = ("description", "counterpart", "visit__title")


# --- Visit requests -----------------------------------------------------------------------------


class VisitRequestFilter(SortedFilterSet, StyledFilterSet):
    SORTS = {
        "-received": (_("Newest first"), ("-created_at", "-pk")),
        "received": (_("Oldest first"), ("created_at", "pk")),
        "dates": (_("Proposed dates"), ("date_from", "pk")),
        "organisation": (_("Organisation"), ("organization_name", "pk")),
    }
    DEFAULT_SORT = "-received"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=VisitRequest.Status.choices, empty_label=ANY
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    search_fields: Sequence[str] = (
        "organization_name",
        "first_name",
        "last_name",
        "email",
        "city_name",
        "purpose",
    )

    class Meta:
        model = VisitRequest
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[VisitRequest], name: str, value: str
    ) -> QuerySet[VisitRequest]:
        return queryset.filter(words_condition(self.search_fields, value))


# --- Hosted events ------------------------------------------------------------------------------


class EventFilter(SortedFilterSet, StyledFilterSet):
    SORTS = {
        "-start": (_("Newest first"), ("-starts_at", "pk")),
        "start": (_("Oldest first"), ("starts_at", "pk")),
        "title": (_("Title"), ("title", "starts_at")),
        "-registered": (
            _("Most registrations first"),
            (F("confirmed_count").desc(), "-starts_at"),
        ),
    }
    DEFAULT_SORT = "-start"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or venue")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Event.Status.choices)
    review_status = django_filters.ChoiceFilter(
        label=_("Review"), choices=[c for c in Event.Review.choices if c[0]]
    )
    date_from = django_filters.DateFilter(
        field_name="ends_at", lookup_expr="date__gte", label=_("From"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("To"), widget=DateInput()
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def search(self, queryset: QuerySet[Event], name: str, value: Any) -> QuerySet[Event]:
        return searched(queryset, value)


class RegistrationFilter(SortedFilterSet, StyledFilterSet):
    """The registrants on an event's page (staff who may see personal data only)."""

    SORTS = {
        "registered": (_("In order of registration"), ("created_at", "pk")),
        "name": (_("Name"), ("name", "pk")),
        "status": (_("Status"), ("status", "created_at")),
    }
    DEFAULT_SORT = "registered"

    q = django_filters.CharFilter(
        label=_("Search registrations"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, email, organisation")}
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Registration.Status.choices)
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="sort_noop", choices=[], empty_label=None
    )

    class Meta:
        model = Registration
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Registration], name: str, value: Any
    ) -> QuerySet[Registration]:
        return queryset.filter(words_condition(("name", "email", "organization"), value))
