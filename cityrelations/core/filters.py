"""Building blocks of the apps' django-filter FilterSets.

Every value arrives from the query string: an invalid one makes its field invalid, and
django-filter then leaves that filter out, so a malformed URL never fails the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .forms import StaffUserChoiceField
from .widgets import quicken

ANY = _("Any")
MAX_DAYS = 3650
MAX_SEARCH_WORDS = 6


def all_words(fields: Iterable[str], words: Iterable[str]) -> Q:
    """Every word must appear (``icontains``) in at least one of ``fields``."""
    fields = tuple(fields)
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def words_condition(fields: Iterable[str], text: str) -> Q:
    """Every word of ``text`` (the first six) must appear in at least one of ``fields``."""
    return all_words(fields, text.split()[:MAX_SEARCH_WORDS])


class DaysFilter(django_filters.NumberFilter):
    """A whole number of days between 0 and ten years."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DAYS)
        super().__init__(*args, **kwargs)


class StaffUserFilter(django_filters.ModelChoiceFilter):
    """A staff user (a coordinator, an owner), shown by full name."""

    field_class = StaffUserChoiceField


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on the form's widgets (and ``is-invalid`` on fields with errors), so
    templates can render ``{{ field }}`` (rendering a ModelChoiceField's choices by hand costs
    an extra COUNT query per field). Selects are rendered quickly (:func:`quicken`)."""

    # Bootstrap's small controls (``form-control-sm``, ``form-select-sm``); False for full size.
    small_widgets = True
    # ``is-invalid`` on a field with an error; False where the page shows errors its own way.
    mark_invalid = True

    _styled_form: forms.Form | None = None

    @property
    def form(self) -> forms.Form:
        form = super().form
        if self._styled_form is not form:
            for name, field in form.fields.items():
                widget = field.widget = quicken(field.widget)
                if isinstance(widget, forms.CheckboxInput):
                    css = "form-check-input"
                elif isinstance(widget, forms.Select):
                    css = "form-select form-select-sm" if self.small_widgets else "form-select"
                else:
                    css = "form-control form-control-sm" if self.small_widgets else "form-control"
                if self.mark_invalid and self.is_bound and name in form.errors:
                    css += " is-invalid"
                widget.attrs["class"] = css
            self._styled_form = form
        return form


class SortedFilterSet(django_filters.FilterSet):
    """A FilterSet with a ``sort`` choice mapped to order_by expressions in ``SORTS``.

    ``SORTS`` maps each key to its label and its ordering; the ``sort`` filter a subclass
    declares (with ``method="sort_noop"``) is offered those keys, in that order. The ordering
    is applied last, after every filter; an empty or invalid ``sort`` means ``DEFAULT_SORT``.
    """

    SORTS: dict[str, tuple[Any, tuple[Any, ...]]] = {}
    DEFAULT_SORT = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "sort" in self.filters:
            self.filters["sort"].extra["choices"] = self.sort_choices()

    @classmethod
    def sort_choices(cls) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _order) in cls.SORTS.items()]

    def ordering(self) -> tuple[Any, ...]:
        """The order_by arguments for the chosen (or the default) sort."""
        cleaned = getattr(self.form, "cleaned_data", {})
        key = cleaned.get("sort") or self.DEFAULT_SORT
        return self.SORTS[key][1] if key in self.SORTS else ()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        ordering = self.ordering()
        return queryset.order_by(*ordering) if ordering else queryset

    def sort_noop(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # applied last, in filter_queryset
