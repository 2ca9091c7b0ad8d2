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


def _labelled(label: str, error: str) -> str:
    """ "Label: error", without doubled punctuation: a question keeps its mark and takes no
    colon ("What would you like? This field is required."), a sentence loses its full stop."""
    label = label.strip().rstrip(".:")
    if not label:
        return error
    if label.endswith(("?", "!")):
        return f"{label} {error}"
    return f"{label}: {error}"


@register.inclusion_tag("cityrelations/_error_summary.html")
def error_summary(form: Any) -> dict[str, Any]:
    """The form's problems at its top: how many, each linked to its field (static/js/
    form_errors.js moves the focus to the summary when the page loads)."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return {"problems": []}
    # The summary lists the form-wide errors: crispy's own box (templates/bootstrap5/errors.html)
    # then leaves them out, so that they are not shown and read out twice.
    form.error_summary_shown = True
    problems: list[tuple[str, str]] = [("", str(error)) for error in form.non_field_errors()]
    for field in form:
        if not field.errors:
            continue
        target = "" if field.is_hidden else (field.id_for_label or f"{field.auto_id}_0")
        label = str(field.label or "") if not field.is_hidden else ""
        for error in field.errors:
            text = _labelled(label, str(error))
            problems.append((target, text))
    return {"problems": problems, "count": len(problems)}
