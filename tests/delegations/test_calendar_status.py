"""The calendar shows each visit's status in words and colour, hides declined and cancelled
visits unless asked, and lays the month out as an agenda for a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from delegations.models import Visit
from tests.delegations.factories import VisitFactory

pytestmark = pytest.mark.django_db

CALENDAR = reverse("delegations:calendar")
S = Visit.Status
SATURDAY = dt.date(2030, 5, 11)


@pytest.fixture
def may_visits() -> None:
    VisitFactory(title="Approved one", status=S.APPROVED, start_date=SATURDAY, end_date=SATURDAY)
    sunday = SATURDAY + dt.timedelta(days=1)
    VisitFactory(title="Sunday one", status=S.CONFIRMED, start_date=sunday, end_date=sunday)
    for title, status, day in (
        ("Waiting one", S.SUBMITTED, 6),
        ("Declined one", S.DECLINED, 7),
        ("Cancelled one", S.CANCELLED, 8),
    ):
        on = dt.date(2030, 5, day)
        VisitFactory(title=title, status=status, start_date=on, end_date=on)


def _titles(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {v.title for v in response.context["visits"]}


@pytest.mark.parametrize("view", ["", "list"])
def test_declined_and_cancelled_are_hidden_by_default(staff_client, may_visits, view):
    response = staff_client.get(CALENDAR, {"month": "2030-05", "view": view})
    assert _titles(response) == {"Approved one", "Waiting one", "Sunday one"}
    html = response.content.decode()
    assert "Declined one" not in html and "Cancelled one" not in html
    assert "closed=on" in html  # the link that shows them, no JavaScript needed


@pytest.mark.parametrize("view", ["", "list"])
def test_declined_and_cancelled_are_shown_on_request(mayor_client, may_visits, view):
    response = mayor_client.get(CALENDAR, {"month": "2030-05", "view": view, "closed": "on"})
    assert _titles(response) == {
        "Approved one",
        "Waiting one",
        "Sunday one",
        "Declined one",
        "Cancelled one",
    }
    assert response.context["shows_closed"]
    assert "Hide declined and cancelled visits" in response.content.decode()


def test_a_status_filter_naming_declined_shows_them(staff_client, may_visits):
    response = staff_client.get(CALENDAR, {"month": "2030-05", "status": "declined"})
    assert _titles(response) == {"Declined one"}


def test_each_visit_shows_its_status_in_words_and_colour(staff_client, may_visits):
    html = staff_client.get(CALENDAR, {"month": "2030-05", "closed": "on"}).content.decode()
    for status, tone in (("Approved", "success"), ("Submitted", "info"), ("Declined", "danger")):
        assert f'<span class="d-block text-truncate calendar-visit-status">{status}</span>' in html
        assert f"bg-{tone}-subtle text-{tone}-emphasis" in html
    # The legend names every status.
    for label in S.labels:
        assert f">{label}</span></li>" in html


def test_hungarian_status_words(staff_client, may_visits):
    html = staff_client.get(
        CALENDAR, {"month": "2030-05"}, headers={"accept-language": "hu"}
    ).content.decode()
    assert 'calendar-visit-status">Jóváhagyva</span>' in html
    assert "2030. május 11., szombat" in html


def test_phone_agenda_lists_every_day_with_visits_weekend_included(staff_client, may_visits):
    response = staff_client.get(CALENDAR, {"month": "2030-05"})
    agenda = response.context["agenda"]
    assert [d["date"] for d in agenda] == [dt.date(2030, 5, 6), SATURDAY, dt.date(2030, 5, 12)]
    assert [v.title for v in agenda[1]["visits"]] == ["Approved one"]
    html = response.content.decode()
    agenda_html = html[html.index('class="d-md-none calendar-agenda"') :]
    assert "Saturday, 11 May 2030" in agenda_html and "Sunday, 12 May 2030" in agenda_html
    assert "Approved one" in agenda_html and "Approved</span>" in agenda_html


def _queries(client, django_assert_max_num_queries) -> int:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(30) as captured:
        response = client.get(CALENDAR, {"month": "2030-05", "closed": "on"})
    assert response.status_code == 200
    return len(captured)


def test_query_count_stays_flat(staff_client, django_assert_max_num_queries):
    for i in range(3):
        VisitFactory(status=S.DECLINED, start_date=dt.date(2030, 5, 3 + i))
        VisitFactory(status=S.APPROVED, start_date=dt.date(2030, 5, 3 + i))
    staff_client.get(CALENDAR)  # warm the session
    few = _queries(staff_client, django_assert_max_num_queries)
    for i in range(30):
        VisitFactory(status=S.APPROVED, start_date=dt.date(2030, 5, 1 + i % 28))
    assert _queries(staff_client, django_assert_max_num_queries) == few
