"""The filter sets' shared styling: Bootstrap classes, small or full size, errors marked."""

from __future__ import annotations

import django_filters
import pytest
from django import forms

from cityrelations.core.filters import StyledFilterSet
from cityrelations.core.widgets import DateInput, QuickSelect
from delegations.filters import CalendarFilter, VisitFilter
from delegations.models import Visit

pytestmark = pytest.mark.django_db


class _Small(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=Visit.Status.choices)
    since = django_filters.DateFilter(field_name="start_date", widget=DateInput())
    public = django_filters.BooleanFilter(field_name="is_public", widget=forms.CheckboxInput())

    class Meta:
        model = Visit
        fields: list[str] = []


class _FullSize(_Small):
    small_widgets = False
    mark_invalid = False


def _classes(filterset: StyledFilterSet) -> dict[str, str]:
    return {name: f.widget.attrs["class"] for name, f in filterset.form.fields.items()}


def test_small_controls_and_errors_marked_by_default():
    styled = _Small({"status": "bogus", "since": "2024-01-01"})
    assert _classes(styled) == {
        "status": "form-select form-select-sm is-invalid",
        "since": "form-control form-control-sm",
        "public": "form-check-input",
    }
    assert isinstance(styled.form.fields["status"].widget, QuickSelect)


def test_full_size_controls_leave_errors_to_the_page():
    assert _classes(_FullSize({"status": "bogus", "since": "2024-01-01"})) == {
        "status": "form-select",
        "since": "form-control",
        "public": "form-check-input",
    }


def test_the_visit_list_and_calendar_have_full_size_controls():
    visits = _classes(VisitFilter({"date_from": "garbage"}))
    assert visits["date_from"] == "form-control"
    assert visits["direction"] == "form-select"
    calendar = _classes(CalendarFilter({}))
    assert calendar.pop("closed") == "form-check-input"  # show declined and cancelled visits
    assert set(calendar.values()) == {"form-select"}
