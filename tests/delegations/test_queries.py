"""Query counts of the list-like pages are pinned and do not grow with the number of visits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delegations.models import Visit
from tests.delegations.factories import (
    AgendaItemFactory,
    LogisticsItemFactory,
    ParticipantFactory,
    VisitFactory,
)
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Visit.Status
# Every page: session, user, user and group permissions, and the navbar's groups = 5.
# List: count, visits, their cities, conflicts (4), the city filter's choices, the budget totals,
# the user's saved views = 5 + 10; the diplomacy unit's bulk form adds its choices (themes, staff
# users: STAFF_EXTRA).
QUERIES_LIST = 15
STAFF_EXTRA = {"visit_list": 2}
# Queue: both sections' counts and pages, the rows' cities (once), conflicts of the rows (the
# participants, then people's and cities' other visits: 3, the cities being known), the count of
# the events the mayor attends (none here; with some, their page: test_events_staff) = 5 + 9.
QUERIES_QUEUE = 14
# Calendar grid: what the cells show of the month's visits, conflicts (4), the hosted events = 5 + 6.
QUERIES_CALENDAR = 11
# Calendar list: count, page of visits, their cities, conflicts (4), the hosted events = 5 + 8.
QUERIES_CALENDAR_LIST = 13
# Detail: visit, its cities/organisations/business opportunities/themes/SDGs, participants,
# agenda, logistics, transitions, the people's and cities' other visits (2: the rest is on the
# page already), history, and the report section's follow-ups and gifts = 5 + 15.
QUERIES_DETAIL = 20


def _visits(n: int) -> list[Visit]:
    today = timezone.localdate()
    city = CityFactory()
    staff = UserFactory(username="traveller")
    visits = []
    for i in range(n):
        visit = VisitFactory(
            status=S.SUBMITTED if i % 2 == 0 else S.APPROVED,
            start_date=today + dt.timedelta(days=5 + i),
            end_date=today + dt.timedelta(days=7 + i),
            cities=[city, CityFactory()],
        )
        ParticipantFactory(visit=visit)
        ParticipantFactory(visit=visit, contact=None, user=staff)
        AgendaItemFactory(visit=visit)
        AgendaItemFactory(visit=visit, date=visit.end_date)
        LogisticsItemFactory(visit=visit)
        visits.append(visit)
    return visits


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


# (page, query string, queries). The review queue starts with two visits so that both of its
# sections (awaiting review, coming up) have a row and prefetch their cities.
PAGES = [
    ("visit_list", {}, 1, QUERIES_LIST),
    ("review_queue", {}, 2, QUERIES_QUEUE),
    ("calendar", {}, 1, QUERIES_CALENDAR),
    ("calendar", {"view": "list"}, 1, QUERIES_CALENDAR_LIST),
]


@pytest.mark.parametrize(("name", "params", "first", "expected"), PAGES)
def test_list_pages_do_not_grow_with_rows(
    staff_client, mayor_client, name, params, first, expected
):
    url = reverse(f"delegations:{name}")
    params = {**params, "month": timezone.localdate().strftime("%Y-%m")}
    _visits(first)
    assert _count(mayor_client, url, params) == expected
    _visits(10 - first)
    assert Visit.objects.count() == 10
    assert _count(mayor_client, url, params) == expected
    assert _count(staff_client, url, params) == expected + STAFF_EXTRA.get(name, 0)


def test_detail_page_does_not_grow_with_participants_or_items(staff_client):
    (small,) = _visits(1)
    url = small.get_absolute_url()
    assert _count(staff_client, url) == QUERIES_DETAIL
    for _ in range(9):
        ParticipantFactory(visit=small)
        AgendaItemFactory(visit=small)
        LogisticsItemFactory(visit=small)
    assert _count(staff_client, url) == QUERIES_DETAIL


def test_list_city_filter_offers_only_visited_cities_escaped_and_selected(staff_client):
    visited = CityFactory(name="Graz <b>")
    CityFactory(name="Nowhere")
    VisitFactory(title="Alpha", cities=[visited])
    html = staff_client.get(
        reverse("delegations:visit_list"), {"city": visited.pk}
    ).content.decode()
    assert f'<option value="{visited.pk}" selected>Graz &lt;b&gt;' in html
    assert "Nowhere" not in html and "Graz <b>" not in html
