from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template

from cityrelations.core.formats import format_money, format_weekday_date
from cityrelations.core.languages import path_without_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination and sorting links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def language_switch_next(context: dict[str, Any]) -> str:
    """Where the language switch returns to: this page, without a ``?lang=`` that would
    overrule the language just chosen ("" when rendered without a request)."""
    request = context.get("request")
    return path_without_language(request) if request is not None else ""


@register.filter
def money(amount: Decimal | float | int | None, currency: str = "") -> str:
    """``{{ fee|money:currency }}``: "15 000 EUR" in Hungarian, "15,000 EUR" in English."""
    return format_money(amount, currency)


@register.filter
def weekday_date(value: dt.date | None) -> str:
    """``{{ day|weekday_date }}``: "Monday, 7 Dec 2026", "2026. december 7., hétfő"."""
    return format_weekday_date(value)
