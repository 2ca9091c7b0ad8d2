"""Cached date formatting gives what the ``date`` filter gives, in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import translation

from cityrelations.core.formats import (
    date_formatter,
    date_range,
    format_date,
    format_datetime,
    format_money,
    format_weekday_date,
)
from partners.resources.cells import DateWidget


@pytest.mark.parametrize("language", ["en", "hu"])
@pytest.mark.parametrize("format_name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_same_as_the_date_filter(language: str, format_name: str) -> None:
    day = dt.date(2026, 11, 23)
    with translation.override(language):
        assert format_date(day, format_name) == date_filter(day, format_name)
        assert date_range(day, day + dt.timedelta(days=2), format_name) == (
            f"{date_filter(day, format_name)} – "
            f"{date_filter(day + dt.timedelta(days=2), format_name)}"
        )
        # A one-day event or visit is one date, not "23 Nov 2026 – 23 Nov 2026".
        assert date_range(day, day, format_name) == date_filter(day, format_name)


def test_each_language_has_its_own_entry() -> None:
    day = dt.date(2026, 3, 5)
    with translation.override("en"):
        english = format_date(day)
    with translation.override("hu"):
        hungarian = format_date(day)
    assert (english, hungarian) == ("5 Mar 2026", "2026. március 5.")
    assert format_date(None) == ""


MOMENT = dt.datetime(2026, 12, 7, 14, 30)
# One look per kind of value, in each language (cityrelations/formats/<language>/formats.py).
EXPECTED = {
    "en": {
        "DATE_FORMAT": "7 Dec 2026",
        "SHORT_DATE_FORMAT": "7 Dec 2026",
        "DATETIME_FORMAT": "7 Dec 2026, 14:30",
        "SHORT_DATETIME_FORMAT": "7 Dec 2026, 14:30",
        "TIME_FORMAT": "14:30",
        "YEAR_MONTH_FORMAT": "December 2026",
        "MONTH_DAY_FORMAT": "7 Dec",
    },
    "hu": {
        "DATE_FORMAT": "2026. december 7.",
        "SHORT_DATE_FORMAT": "2026. december 7.",
        "DATETIME_FORMAT": "2026. december 7. 14:30",
        "SHORT_DATETIME_FORMAT": "2026. december 7. 14:30",
        "TIME_FORMAT": "14:30",
        "YEAR_MONTH_FORMAT": "2026. december",
        "MONTH_DAY_FORMAT": "december 7.",
    },
}


@pytest.mark.parametrize("language", ["en", "hu"])
def test_the_format_modules(language: str) -> None:
    with translation.override(language):
        shown = {name: date_filter(MOMENT, name) for name in EXPECTED[language]}
    assert shown == EXPECTED[language]


@pytest.mark.parametrize(
    ("language", "amount", "currency", "expected"),
    [
        ("en", Decimal("15000.00"), "EUR", "15,000 EUR"),
        ("hu", Decimal("15000.00"), "EUR", "15\xa0000 EUR"),
        ("en", Decimal("1250.5"), "EUR", "1,250.50 EUR"),
        ("hu", Decimal("1250.5"), "HUF", "1\xa0250,50 HUF"),
        ("hu", Decimal("999"), "EUR", "999 EUR"),
        ("en", 1234567, "", "1,234,567"),
        ("hu", Decimal("-0.05"), "EUR", "-0,05 EUR"),
        ("en", None, "EUR", ""),
    ],
)
def test_money(language: str, amount, currency: str, expected: str) -> None:
    template = Template("{% load cityrelations %}{{ amount|money:currency }}")
    with translation.override(language):
        assert format_money(amount, currency) == expected
        assert template.render(Context({"amount": amount, "currency": currency})) == expected


def test_weekday_date() -> None:
    day = dt.date(2026, 12, 7)
    with translation.override("en"):
        assert format_weekday_date(day) == "Monday, 7 Dec 2026"
    with translation.override("hu"):
        assert format_weekday_date(day) == "2026. december 7., hétfő"
    assert format_weekday_date(None) == ""


def test_a_moment_is_shown_in_the_local_time_zone(settings) -> None:
    settings.TIME_ZONE = "Europe/Budapest"
    moment = dt.datetime(2026, 12, 7, 13, 30, tzinfo=dt.UTC)
    with translation.override("hu"):
        assert format_datetime(moment) == "2026. december 7. 14:30"
    assert format_datetime(None) == ""


@pytest.mark.parametrize(
    "typed", ["2026-12-07", "2026. 12. 07.", "2026.12.07.", "2026.12.07", "07.12.2026"]
)
def test_a_spreadsheet_date_in_the_units_languages(typed: str) -> None:
    assert DateWidget().clean(typed) == dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("language", "written"), [("en", "7 Dec 2026"), ("hu", "2026. december 7.")]
)
def test_a_date_formatter_writes_in_the_language_active_when_it_was_made(language, written):
    with translation.override(language):
        day = date_formatter()
    with translation.override("hu" if language == "en" else "en"):
        assert day(dt.date(2026, 12, 7)) == written
