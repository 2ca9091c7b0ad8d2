"""The delegations section of the dashboard: what it lists, and bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from delegations.dashboard import DASHBOARD_ROWS, visit_dashboard
from delegations.models import LogisticsItem, Visit

from .factories import LogisticsItemFactory, VisitFactory

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def make_data(n: int) -> None:
    for i in range(n):
        soon = VisitFactory(
            owner=None,
            title=f"Soon {i}",
            start_date=in_days(5),
            end_date=in_days(6),
            status=Visit.Status.CONFIRMED,
        )
        LogisticsItemFactory(visit=soon, due_on=in_days(-2), state=LogisticsItem.State.TODO)
        VisitFactory(
            owner=None,
            title=f"Waiting {i}",
            start_date=in_days(60),
            end_date=in_days(61),
            status=Visit.Status.SUBMITTED,
        )


def test_sections_list_the_right_visits(staff_user):
    make_data(1)
    far = VisitFactory(owner=None, title="Far away", start_date=in_days(90), end_date=in_days(91))
    cancelled = VisitFactory(
        owner=None,
        title="Called off",
        start_date=in_days(3),
        end_date=in_days(3),
        status=Visit.Status.CANCELLED,
    )
    LogisticsItemFactory(visit=cancelled, due_on=in_days(-5))
    done_visit = VisitFactory(owner=None, start_date=in_days(2), end_date=in_days(2))
    LogisticsItemFactory(visit=done_visit, due_on=in_days(-5), state=LogisticsItem.State.DONE)
    LogisticsItemFactory(visit=done_visit, due_on=in_days(5))

    data = visit_dashboard(staff_user)
    upcoming = [v.title for v in data["upcoming_visits"]]
    assert "Soon 0" in upcoming
    assert far.title not in upcoming and cancelled.title not in upcoming
    assert [v.title for v in data["visits_awaiting_review"]] == ["Waiting 0"]
    overdue = data["overdue_logistics"]
    assert [item.visit.title for item in overdue] == ["Soon 0"]


def test_lists_are_bounded(staff_user):
    make_data(DASHBOARD_ROWS + 2)
    data = visit_dashboard(staff_user)
    assert len(data["upcoming_visits"]) == DASHBOARD_ROWS
    assert len(data["visits_awaiting_review"]) == DASHBOARD_ROWS
    assert len(data["overdue_logistics"]) == DASHBOARD_ROWS


def test_users_who_may_not_see_visits_get_nothing():
    assert visit_dashboard(AnonymousUser())["show_visits"] is False


def test_query_count_does_not_grow_with_data(staff_user, django_assert_num_queries):
    staff_user.has_perm("delegations.view_visit")  # the permission cache is per request
    make_data(1)
    # upcoming, awaiting review and its count, overdue logistics, new visit requests' count
    with django_assert_num_queries(5):
        visit_dashboard(staff_user)
    make_data(12)
    with django_assert_num_queries(5):
        data = visit_dashboard(staff_user)
    # Rendering the rows needs no further queries (related rows are joined).
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        render_to_string("delegations/_dashboard.html", data)


def test_dashboard_page_shows_the_cards(staff_client, mayor_client):
    make_data(1)
    for client in (staff_client, mayor_client):
        body = client.get(reverse("dashboard")).content.decode()
        assert "Visits awaiting review" in body
        assert "Waiting 0" in body
        assert "Soon 0" in body
        assert reverse("delegations:review_queue") in body
