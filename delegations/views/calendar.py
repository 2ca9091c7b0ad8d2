"""The visits calendar: a month grid (?month=YYYY-MM) or a list of the month's visits, filtered
by direction, level and status, with conflicts marked. A malformed month shows the current one."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from ..conflicts import with_conflicts
from ..filters import CalendarFilter
from ..models import Visit

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """The first day of the requested month; the current month for anything malformed."""
    match = MONTH_RE.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _weeks(first: dt.date, visits: list[Visit], today: dt.date) -> list[list[dict[str, Any]]]:
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "visits": [v for v in visits if v.start_date <= day <= v.end_date],
            }
            for day in week
        ]
        for week in weeks
    ]


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def visit_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = parse_month(request.GET.get("month"), today)
    as_list = request.GET.get("view") == "list"
    if as_list:
        start, end = first, _shift(first, 1) - dt.timedelta(days=1)
    else:
        grid = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        start, end = grid[0][0], grid[-1][-1]
    queryset = (
        Visit.objects.overlapping(start, end)
        .prefetch_related("cities")
        .order_by("start_date", "pk")
    )
    calendar_filter = CalendarFilter(request.GET or None, queryset=queryset)
    visits = with_conflicts(calendar_filter.qs)
    context = {
        "filter": calendar_filter,
        "month": first,
        "previous_month": _shift(first, -1),
        "next_month": _shift(first, 1),
        "this_month": today.replace(day=1),
        "as_list": as_list,
        "visits": visits,
        "weeks": [] if as_list else _weeks(first, visits, today),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    return render(request, "delegations/calendar.html", context)
