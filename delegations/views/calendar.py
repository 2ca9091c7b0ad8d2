"""The visits calendar: a month grid (?month=YYYY-MM) or a list of the month's visits, filtered
by direction, level and status, with conflicts marked. A malformed month shows the current one.

A busy month can hold hundreds of visits, so a grid day shows at most ``PER_DAY`` of them and a
"+N more" link to the visit list filtered to that day; only the shown visits are checked for
conflicts. The list view is paginated."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrelations.core.pagination import paginate

from ..conflicts import with_conflicts
from ..filters import CalendarFilter
from ..models import Event, Visit
from ..models.visits import STATUS_TONES

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
PER_DAY = 3
# What a grid cell shows of a visit, in the model's field order (Model.from_db reads them so).
GRID_FIELDS = ("title", "start_date", "end_date", "status")
LIST_PER_PAGE = 50
FILTER_PARAMS = ("direction", "level", "status")


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


def _more_link_maker(request: HttpRequest) -> Callable[[dt.date, int], dict[str, str] | None]:
    """The "+N more" link of a day: the visit list filtered to that day (and to the calendar's
    own filters). Its words are made here, once per busy day, not by template tags."""
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_PARAMS:
            query.pop(key)
    base = f"{reverse('delegations:visit_list')}?{query.urlencode()}{'&' if query else ''}"

    def more_link(day: dt.date, hidden: int) -> dict[str, str] | None:
        if hidden <= 0:
            return None
        return {
            "url": f"{base}date_from={day.isoformat()}&date_to={day.isoformat()}",
            "label": ngettext("+%(n)d more", "+%(n)d more", hidden) % {"n": hidden},
            "hint": _("visits on %(date)s") % {"date": date_format(day, "DATE_FORMAT")},
        }

    return more_link


def _weeks(
    request: HttpRequest, first: dt.date, queryset: QuerySet[Visit], today: dt.date
) -> tuple[list[list[dict[str, Any]]], list[Visit]]:
    """The month grid, each day with at most ``PER_DAY`` visits and the number of the others.

    One narrow query (what a cell shows of every visit in the grid, in calendar order) gives
    the per-day counts and the shown visits, which are then checked for conflicts."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    rows = {row[0]: row for row in queryset.values_list("pk", *GRID_FIELDS)}
    days: dict[dt.date, list[int]] = {day: [] for week in weeks for day in week}
    for pk, _title, start, end, _status in rows.values():
        day = max(start, weeks[0][0])
        while day <= end and day in days:
            days[day].append(pk)
            day += dt.timedelta(days=1)
    shown_ids = {pk for ids in days.values() for pk in ids[:PER_DAY]}
    # Django's own loader (deferring the fields a cell does not show), not Visit(**kwargs):
    # the keyword constructor cost more than the rest of this function.
    fields = ["id", *GRID_FIELDS]
    shown_visits = [Visit.from_db(queryset.db, fields, rows[pk]) for pk in shown_ids]
    shown = {v.pk: v for v in with_conflicts(shown_visits)}
    more_link = _more_link_maker(request)
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "visits": [shown[pk] for pk in days[day][:PER_DAY]],
                "more": more_link(day, len(days[day]) - PER_DAY),
            }
            for day in week
        ]
        for week in weeks
    ]
    return grid, list(shown.values())


def _legend() -> list[dict[str, str]]:
    """Each status with the colour its chips have, in the lifecycle's order."""
    return [
        {"label": str(label), "tone": STATUS_TONES.get(value, "secondary")}
        for value, label in Visit.Status.choices
    ]


def _events(
    start: dt.date, end: dt.date, *, shows_closed: bool
) -> list[tuple[Event, dt.date, dt.date]]:
    """The hosted events with a day in [start, end] (few: the unit hosts a handful a month),
    each with its first and last local day."""
    events = Event.objects.overlapping(start, end).order_by("starts_at", "pk")
    if not shows_closed:
        events = events.live()
    return [
        (
            event,
            timezone.localtime(event.starts_at).date(),
            timezone.localtime(event.ends_at).date(),
        )
        for event in events.only("pk", "title_en", "title_hu", "starts_at", "ends_at", "status")
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
    queryset = Visit.objects.overlapping(start, end).order_by("start_date", "pk")
    calendar_filter = CalendarFilter(request.GET or None, queryset=queryset)
    page = None
    weeks: list[list[dict[str, Any]]] = []
    if as_list:
        visits_with_cities = calendar_filter.visible.prefetch_related("cities")
        page = paginate(request, visits_with_cities, LIST_PER_PAGE)
        visits = with_conflicts(page.object_list)
    else:
        weeks, visits = _weeks(request, first, calendar_filter.visible, today)
    spans = _events(start, end, shows_closed=calendar_filter.shows_closed())
    for week in weeks:
        for day in week:
            day["events"] = [e for e, first, last in spans if first <= day["date"] <= last]
    context = {
        "events": [event for event, _first, _last in spans],
        "filter": calendar_filter,
        "shows_closed": calendar_filter.shows_closed(),
        "legend": _legend(),
        # The phone's agenda: the month's days that have visits, Monday to Sunday alike.
        "agenda": [
            d for week in weeks for d in week if d["in_month"] and (d["visits"] or d["events"])
        ],
        "month": first,
        "previous_month": _shift(first, -1),
        "next_month": _shift(first, 1),
        "this_month": today.replace(day=1),
        "as_list": as_list,
        "visits": visits,
        "page": page,
        "weeks": weeks,
        "per_day": PER_DAY,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    return render(request, "delegations/calendar.html", context)
