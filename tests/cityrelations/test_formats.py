"""Cached date formatting gives what the ``date`` filter gives, in the active language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import translation

from cityrelations.core.formats import date_range, format_date


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


def test_each_language_has_its_own_entry() -> None:
    day = dt.date(2026, 3, 5)
    with translation.override("en"):
        english = format_date(day)
    with translation.override("hu"):
        hungarian = format_date(day)
    assert english == "March 5, 2026" and hungarian != english
    assert format_date(None) == ""
