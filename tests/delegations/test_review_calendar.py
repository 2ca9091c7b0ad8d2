"""The review queue, the calendar and the iCal feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cityrelations.core.models import AccountSettings
from delegations.models import CalendarFeed, Visit
from tests.delegations.factories import VisitFactory
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db
S = Visit.Status
QUEUE = reverse("delegations:review_queue")
CALENDAR = reverse("delegations:calendar")


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_queue_shows_awaiting_first_then_the_next_90_days(mayor_client):
    VisitFactory(title="Far submitted", status=S.SUBMITTED, start_date=_in(200))
    VisitFactory(title="Soon approved", status=S.APPROVED, start_date=_in(10))
    VisitFactory(title="Later confirmed", status=S.CONFIRMED, start_date=_in(80))
    VisitFactory(title="Too far", status=S.APPROVED, start_date=_in(120))
    VisitFactory(title="Cancelled", status=S.CANCELLED, start_date=_in(5))
    response = mayor_client.get(QUEUE)
    assert [v.title for v in response.context["awaiting"]] == ["Far submitted"]
    assert [v.title for v in response.context["upcoming"]] == ["Soon approved", "Later confirmed"]
    html = response.content.decode()
    assert html.index("Far submitted") < html.index("Soon approved")
    assert html.count(">Approve</button>") == 1  # decisions only where one is due


def test_queue_marks_conflicts(mayor_client):
    city = CityFactory(name="Graz")
    VisitFactory(title="One", status=S.SUBMITTED, start_date=_in(10), cities=[city])
    VisitFactory(title="Two", status=S.APPROVED, start_date=_in(11), cities=[city])
    html = mayor_client.get(QUEUE).content.decode()
    # The card awaiting review lists its conflict; the coming-visits table marks its row.
    assert html.count("Possible conflicts") == 1 and ">Two</a>" in html
    assert html.count("1 conflict") == 1 and 'title="Graz – One"' in html


def test_staff_sees_the_queue_without_decision_buttons(staff_client):
    VisitFactory(status=S.SUBMITTED)
    html = staff_client.get(QUEUE).content.decode()
    assert "Request changes" not in html


def test_decide_from_the_queue_without_javascript(mayor_client):
    visit = VisitFactory(status=S.SUBMITTED)
    url = reverse("delegations:visit_transition", args=[visit.pk, "approve"])
    response = mayor_client.post(url, {"comment": "Yes", "next": QUEUE, "row": "1"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    visit.refresh_from_db()
    assert visit.status == S.APPROVED


def test_decide_from_the_queue_with_htmx(mayor_client):
    visit = VisitFactory(status=S.SUBMITTED, title="Inline")
    url = reverse("delegations:visit_transition", args=[visit.pk, "decline"])
    htmx = {"HTTP_HX_REQUEST": "true"}
    missing = mayor_client.post(url, {"comment": "", "row": "1"}, **htmx)
    assert missing.status_code == 200 and "Please give a reason" in missing.content.decode()
    done = mayor_client.post(url, {"comment": "Not now", "row": "1"}, **htmx)
    html = done.content.decode()
    assert f'id="queue-visit-{visit.pk}"' in html and "Decision recorded: Declined" in html
    assert "<html" not in html  # a fragment, not a page
    again = mayor_client.post(url, {"comment": "Again", "row": "1"}, **htmx)
    assert "no longer possible" in again.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.DECLINED and visit.transitions.count() == 1


def test_calendar_month_grid_with_navigation(staff_client):
    VisitFactory(title="May visit", start_date=dt.date(2030, 5, 30), end_date=dt.date(2030, 6, 2))
    response = staff_client.get(CALENDAR, {"month": "2030-05"})
    weeks = response.context["weeks"]
    assert all(len(week) == 7 for week in weeks) and weeks[0][0]["date"].weekday() == 0
    days_with_visit = [d["date"] for w in weeks for d in w if d["visits"]]
    assert days_with_visit == [
        dt.date(2030, 5, 30),
        dt.date(2030, 5, 31),
        dt.date(2030, 6, 1),
        dt.date(2030, 6, 2),
    ]
    html = response.content.decode()
    assert "month=2030-04" in html and "month=2030-06" in html and "May visit" in html
    december = staff_client.get(CALENDAR, {"month": "2030-12"}).content.decode()
    assert "month=2031-01" in december and "month=2030-11" in december


@pytest.mark.parametrize("month", ["2030-13", "garbage", "0000-01", "99999-01", "2030-1", ""])
def test_invalid_month_shows_the_current_month(staff_client, month):
    response = staff_client.get(CALENDAR, {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_calendar_list_view_filters_and_conflicts(staff_client):
    city = CityFactory()
    VisitFactory(
        title="Mayor in",
        level="mayor",
        start_date=dt.date(2030, 5, 3),
        end_date=dt.date(2030, 5, 4),
        cities=[city],
    )
    VisitFactory(
        title="Tech out",
        level="technical",
        direction="outgoing",
        start_date=dt.date(2030, 5, 4),
        end_date=dt.date(2030, 5, 4),
        cities=[city],
    )
    VisitFactory(title="April", start_date=dt.date(2030, 4, 27), end_date=dt.date(2030, 4, 28))
    response = staff_client.get(CALENDAR, {"month": "2030-05", "view": "list"})
    assert [v.title for v in response.context["visits"]] == ["Mayor in", "Tech out"]
    assert all(v.conflict_list for v in response.context["visits"])
    assert "1 conflict" in response.content.decode()
    filtered = staff_client.get(CALENDAR, {"month": "2030-05", "view": "list", "level": "mayor"})
    assert [v.title for v in filtered.context["visits"]] == ["Mayor in"]
    outgoing = staff_client.get(CALENDAR, {"month": "2030-05", "direction": "outgoing"})
    assert [v.title for v in outgoing.context["visits"]] == ["Tech out"]
    assert "calendar-conflict" in staff_client.get(CALENDAR, {"month": "2030-05"}).content.decode()


def test_ical_feed_parsed_back(mayor_client, mayor_user):
    vienna, graz = CityFactory(name="Vienna"), CityFactory(name="Graz")
    approved = VisitFactory(
        title="Approved",
        status=S.APPROVED,
        start_date=dt.date(2030, 5, 1),
        end_date=dt.date(2030, 5, 3),
        cities=[vienna, graz],
        purpose="Trams",
    )
    VisitFactory(title="Confirmed", status=S.CONFIRMED)
    for status in (S.DRAFT, S.SUBMITTED, S.DECLINED, S.CANCELLED, S.COMPLETED):
        VisitFactory(title=f"Not {status}", status=status)
    page = mayor_client.get(reverse("delegations:ical_settings"))
    feed = CalendarFeed.objects.get(user=mayor_user)
    assert page.context["feed_url"].startswith("http") and feed.token in page.context["feed_url"]
    url = reverse("delegations:ical_feed", args=[feed.token])
    response = mayor_client.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Approved", "Confirmed"}
    event = events["Approved"]
    assert event.decoded("dtstart") == dt.date(2030, 5, 1)
    assert event.decoded("dtend") == dt.date(2030, 5, 4)  # exclusive
    assert str(event["location"]) in ("Vienna, Graz", "Graz, Vienna")
    assert "Trams" in str(event["description"])
    assert str(event["uid"]).startswith(f"visit-{approved.pk}@")
    again = Calendar.from_ical(mayor_client.get(url).content)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {str(e["uid"]) for e in events.values()}


@pytest.mark.parametrize(
    ("chosen", "asked", "labels", "place", "calendar_name"),
    [
        ("hu", "en", "Bejövő · Polgármester · Jóváhagyva", "Bécs", "Látogatások"),
        ("en", "hu", "Incoming · Mayor · Approved", "Vienna", "Visits"),
    ],
)
def test_ical_feed_speaks_its_owners_language(
    client, mayor_user, chosen, asked, labels, place, calendar_name
):
    """The calendar app's own language (its Accept-Language, a cookie) is not the reader's."""
    AccountSettings.objects.create(user=mayor_user, language=chosen)
    VisitFactory(
        status=S.APPROVED,
        direction="incoming",
        level="mayor",
        cities=[CityFactory(name="Vienna", name_hu="Bécs")],
    )
    feed = CalendarFeed.objects.create(user=mayor_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = asked
    response = client.get(
        reverse("delegations:ical_feed", args=[feed.token]), HTTP_ACCEPT_LANGUAGE=asked
    )
    assert response["Content-Language"] == chosen
    cal = Calendar.from_ical(response.content)
    assert str(cal["x-wr-calname"]) == calendar_name
    (event,) = cal.walk("VEVENT")
    assert str(event["description"]).startswith(labels)
    assert str(event["location"]) == place


def test_ical_feed_needs_no_login_but_a_valid_token(anonymous_client, mayor_client, mayor_user):
    feed = CalendarFeed.objects.create(user=mayor_user)
    assert (
        anonymous_client.get(reverse("delegations:ical_feed", args=[feed.token])).status_code == 200
    )
    tampered = feed.token[:-1] + ("A" if feed.token[-1] != "A" else "B")
    assert (
        anonymous_client.get(reverse("delegations:ical_feed", args=[tampered])).status_code == 404
    )
    assert anonymous_client.get(reverse("delegations:ical_feed", args=["x"])).status_code == 404
    old = feed.token
    confirm = mayor_client.get(reverse("delegations:ical_reset"))
    assert "stop updating" in confirm.content.decode()
    feed.refresh_from_db()
    assert feed.token == old  # asking is not doing
    response = mayor_client.post(reverse("delegations:ical_reset"), follow=True)
    assert "has been reset" in response.content.decode()
    feed.refresh_from_db()
    assert feed.token != old
    assert anonymous_client.get(reverse("delegations:ical_feed", args=[old])).status_code == 404
    assert (
        anonymous_client.get(reverse("delegations:ical_feed", args=[feed.token])).status_code == 200
    )
    mayor_user.is_active = False
    mayor_user.save()
    assert (
        anonymous_client.get(reverse("delegations:ical_feed", args=[feed.token])).status_code == 404
    )


def test_queue_sections_are_paginated_with_totals(mayor_client, monkeypatch):
    monkeypatch.setattr("delegations.views.review.AWAITING_PER_PAGE", 2)
    monkeypatch.setattr("delegations.views.review.UPCOMING_PER_PAGE", 2)
    for i in range(3):
        VisitFactory(title=f"Submitted {i}", status=S.SUBMITTED, start_date=_in(100 + i))
        VisitFactory(title=f"Approved {i}", status=S.APPROVED, start_date=_in(10 + i))
    first = mayor_client.get(QUEUE)
    assert [v.title for v in first.context["awaiting"]] == ["Submitted 0", "Submitted 1"]
    assert [v.title for v in first.context["upcoming"]] == ["Approved 0", "Approved 1"]
    html = first.content.decode()
    assert 'text-bg-info">3<' in html and 'text-bg-secondary">3<' in html  # totals, not page sizes
    assert "?page=2" in html and "?upcoming_page=2#upcoming-heading" in html
    second = mayor_client.get(QUEUE, {"page": "2"})
    assert [v.title for v in second.context["awaiting"]] == ["Submitted 2"]
    assert [v.title for v in second.context["upcoming"]] == ["Approved 0", "Approved 1"]
    both = mayor_client.get(QUEUE, {"page": "2", "upcoming_page": "2"})
    assert [v.title for v in both.context["upcoming"]] == ["Approved 2"]
    assert "Submitted 2" in both.content.decode() and "Submitted 0" not in both.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999", "1.5", "", "2" * 30])
def test_queue_bad_page_numbers_do_not_fail(mayor_client, monkeypatch, page):
    monkeypatch.setattr("delegations.views.review.AWAITING_PER_PAGE", 1)
    monkeypatch.setattr("delegations.views.review.UPCOMING_PER_PAGE", 1)
    VisitFactory(status=S.SUBMITTED, start_date=_in(3))
    VisitFactory(status=S.SUBMITTED, start_date=_in(4))
    response = mayor_client.get(QUEUE, {"page": page, "upcoming_page": page})
    assert response.status_code == 200
    assert len(response.context["awaiting"]) == 1


def test_queue_conflicts_on_a_page_spanning_years(mayor_client):
    """An old visit still awaiting review and next month's both get their own conflicts."""
    graz, linz = CityFactory(name="Graz"), CityFactory(name="Linz")
    VisitFactory(title="Old", status=S.SUBMITTED, start_date=_in(-700), cities=[graz])
    VisitFactory(title="Old twin", status=S.COMPLETED, start_date=_in(-699), cities=[graz])
    VisitFactory(title="Middle", status=S.COMPLETED, start_date=_in(-300), cities=[graz, linz])
    VisitFactory(title="Soon", status=S.APPROVED, start_date=_in(10), cities=[linz])
    VisitFactory(title="Soon twin", status=S.DRAFT, start_date=_in(11), cities=[linz])
    response = mayor_client.get(QUEUE)
    rows = {v.title: v for v in [*response.context["awaiting"], *response.context["upcoming"]]}
    assert [c.other_title for c in rows["Old"].conflict_list] == ["Old twin"]
    assert [c.other_title for c in rows["Soon"].conflict_list] == ["Soon twin"]


def test_calendar_day_shows_a_few_visits_and_links_to_the_rest(staff_client):
    day = dt.date(2030, 5, 14)
    for i in range(6):
        VisitFactory(title=f"Busy {i}", start_date=day, end_date=day, level="mayor")
    VisitFactory(title="Long", start_date=dt.date(2030, 5, 12), end_date=dt.date(2030, 5, 15))
    VisitFactory(title="Technical", start_date=day, end_date=day, level="technical")
    response = staff_client.get(CALENDAR, {"month": "2030-05", "level": "mayor"})
    cells = {d["date"]: d for w in response.context["weeks"] for d in w}
    assert [v.title for v in cells[day]["visits"]] == ["Busy 0", "Busy 1", "Busy 2"]
    assert cells[day]["more"]["label"] == "+3 more" and cells[dt.date(2030, 5, 13)]["more"] is None
    html = response.content.decode()
    assert "+3 more" in html and "Busy 3" not in html
    assert '<span class="visually-hidden"> visits on 14 May 2030</span>' in html
    more_url = cells[day]["more"]["url"]
    assert "date_from=2030-05-14" in more_url and "level=mayor" in more_url
    listed = staff_client.get(more_url)
    assert listed.status_code == 200
    assert sorted(v.title for v in listed.context["visits"]) == [f"Busy {i}" for i in range(6)]
    unfiltered = staff_client.get(CALENDAR, {"month": "2030-05"})
    cells = {d["date"]: d for w in unfiltered.context["weeks"] for d in w}
    assert [v.title for v in cells[dt.date(2030, 5, 12)]["visits"]] == ["Long"]
    assert len(cells[day]["visits"]) == 3  # 6 busy + long + technical: 3 shown, 5 more
    assert cells[day]["more"]["label"] == "+5 more"


@pytest.mark.parametrize("page", ["2", "x", "-3", "99999999999999999999"])
def test_calendar_list_is_paginated(staff_client, monkeypatch, page):
    monkeypatch.setattr("delegations.views.calendar.LIST_PER_PAGE", 2)
    for i in range(3):
        VisitFactory(
            title=f"May {i}", start_date=dt.date(2030, 5, 3 + i), end_date=dt.date(2030, 5, 3 + i)
        )
    response = staff_client.get(CALENDAR, {"month": "2030-05", "view": "list", "page": page})
    assert response.status_code == 200
    expected = ["May 0", "May 1"] if page == "x" else ["May 2"]
    assert [v.title for v in response.context["visits"]] == expected


def test_grid_fields_follow_the_models_field_order():
    """The grid builds its visits with Model.from_db, which reads values in field order."""
    from delegations.views.calendar import GRID_FIELDS

    names = {"id", *GRID_FIELDS}
    in_model_order = [f.attname for f in Visit._meta.concrete_fields if f.attname in names]
    assert in_model_order == ["id", *GRID_FIELDS]
