"""Dates, days and money written once per language, the same way on every page, email and PDF.

The formats themselves live in ``cityrelations/formats/<language>/formats.py``; these helpers
are for Python code that writes text for people (messages, history rows, PDFs, calendar titles)
and for the template filters built on them. Data (exports, URLs, attributes, JSON) stays ISO.

Dates are formatted once per language and cached: a list page shows the same few dozen dates
many times, and Django's ``date`` filter costs about 150 function calls per date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from django.utils import formats, timezone, translation
from django.utils.translation import gettext


@lru_cache(maxsize=4096)
def _formatted(value: dt.date, format_name: str, language: str) -> str:
    with translation.override(language or None):
        return formats.date_format(value, format_name)


def format_date(value: dt.date | None, format_name: str = "DATE_FORMAT") -> str:
    """``value|date:format_name`` in the active language ("" for no date)."""
    if value is None:
        return ""
    return _formatted(value, format_name, translation.get_language() or "")


def date_formatter(format_name: str = "DATE_FORMAT") -> Callable[[dt.date], str]:
    """:func:`format_date` with the active language looked up once: for a list of thousands of
    dates (a filter naming every visit), where looking it up per date is most of the cost."""
    language = translation.get_language() or ""
    return lambda value: _formatted(value, format_name, language)


def format_datetime(value: dt.datetime | None) -> str:
    """A moment in the current time zone as a date and a 24-hour time ("" for none)."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(local, "DATETIME_FORMAT")


def date_range(start: dt.date | None, end: dt.date | None, format_name: str = "DATE_FORMAT") -> str:
    """ "start – end", each formatted as by the ``date`` filter; one date when they are the same
    day (a one-day event or visit is not "20 May – 20 May")."""
    if start is not None and start == end:
        return format_date(start, format_name)
    return f"{format_date(start, format_name)} – {format_date(end, format_name)}"


def format_weekday_date(value: dt.date | None) -> str:
    """The day's name with its date: "Monday, 7 Dec 2026", "2026. december 7., hétfő".

    Django's format modules take no custom format names, and the two languages put the weekday
    on opposite sides, so the order is a translated pattern.
    """
    if value is None:
        return ""
    # Translators: a day's name and its date; Hungarian puts the date first ("2026. december 7., hétfő").
    return gettext("%(weekday)s, %(date)s") % {
        "weekday": format_date(value, "l"),
        "date": format_date(value),
    }


def format_money(amount: Decimal | float | int | None, currency: str = "") -> str:
    """An amount as the reader's language writes it, then its currency code: "15 000 EUR",
    "15,000 EUR", "1,250.50 EUR". Cents only when there are any, grouped thousands always."""
    if amount is None:
        return ""
    value = Decimal(str(amount))
    places = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    return f"{number} {currency}" if currency else number
