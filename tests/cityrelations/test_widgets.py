"""QuickSelect writes the same HTML as Django's own select widgets; the date and time inputs
write ISO values in every language."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation
from django_countries import countries

from cityrelations.core.widgets import (
    DateInput,
    QuickSelect,
    QuickSelectMultiple,
    TimeInput,
    quicken,
)

CHOICES = [
    ("", "Any"),
    ("a&b", 'Tom & "Jerry" <script>'),
    (3, "Three"),
    ("Europe", [("AT", "Austria"), ("HU", "Hungary")]),
    ("Asia", [("JP", "Japan")]),
]


def _same(django_widget: forms.Widget, quick: forms.Widget, name: str, value: object) -> None:
    attrs = {"id": "id_" + name, "class": "form-select", "required": True, "disabled": False}
    expected = django_widget.render(name, value, attrs)
    assert parse_html(quick.render(name, value, attrs)) == parse_html(expected)


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "3", "HU", "missing"])
def test_select_matches_django(value: object) -> None:
    _same(forms.Select(choices=CHOICES), QuickSelect(choices=CHOICES), "country", value)


@pytest.mark.parametrize("value", [None, [], ["HU", "JP"], ["a&b", 3]])
def test_select_multiple_matches_django(value: object) -> None:
    _same(
        forms.SelectMultiple(choices=CHOICES),
        QuickSelectMultiple(choices=CHOICES),
        "countries",
        value,
    )


def test_all_countries_match_django() -> None:
    choices = [("", "Any"), *countries]
    _same(forms.Select(choices=choices), QuickSelect(choices=choices), "country", "HU")


def test_quicken_keeps_choices_attrs_and_other_widgets() -> None:
    field = forms.ChoiceField(choices=CHOICES[:3], required=False)
    field.widget.attrs["class"] = "form-select"
    quick = quicken(field.widget)
    assert type(quick) is QuickSelect and quick.attrs == {"class": "form-select"}
    assert list(quick.choices) == list(field.widget.choices)
    text = forms.TextInput()
    assert quicken(text) is text
    radio = forms.RadioSelect(choices=CHOICES[:2])
    assert quicken(radio) is radio  # a subclass of Select with its own markup stays as it is


@pytest.mark.parametrize("language", ["en", "hu"])
def test_date_and_time_inputs_write_iso_values(language: str) -> None:
    with translation.override(language):
        date = DateInput(attrs={"min": "2020-01-01"}).render("day", dt.date(2024, 5, 1))
        time = TimeInput().render("at", dt.time(9, 5, 30))
        typed = DateInput().render("day", "2024-13-01")  # a bound value is shown as typed
    assert parse_html(date) == parse_html(
        '<input type="date" name="day" value="2024-05-01" min="2020-01-01">'
    )
    assert parse_html(time) == parse_html('<input type="time" name="at" value="09:05">')
    assert parse_html(typed) == parse_html('<input type="date" name="day" value="2024-13-01">')
