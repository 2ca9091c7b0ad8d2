"""The staff home page: every section, its links, and a query count that does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AgreementFactory,
    CityFactory,
    InteractionFactory,
    MembershipFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make_rows(n: int, coordinator=None, start: int = 0) -> None:
    for i in range(start, start + n):
        active = PartnershipFactory(city=CityFactory(name=f"Quiet {i}", country="JP"))
        busy = PartnershipFactory(city=CityFactory(name=f"Busy {i}", country="BR"))
        InteractionFactory(partnership=busy, subject=f"Call {i}", occurred_on=days(-i))
        InteractionFactory(partnership=active, subject=f"Old call {i}", occurred_on=days(-500))
        AgreementFactory(
            title=f"Charter {i}",
            partnership=busy,
            valid_until=days(10 + i),
            coordinator=coordinator,
        )
        MembershipFactory(
            organization__name=f"Dash Network {i}",
            fee_due_on=days(i - 3),
            next_report_due_on=days(20 + i),
            coordinator=coordinator,
        )


def dashboard_queries(client, django_assert_max_num_queries) -> tuple[int, str]:
    with django_assert_max_num_queries(25) as captured:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_dormant_candidates_are_the_quiet_ones(staff_client):
    make_rows(2)
    response = staff_client.get(reverse("dashboard"))
    rows = response.context["dormant_candidates"].rows
    assert [p.city.name for p in rows] == ["Quiet 0", "Quiet 1"]
    assert all(p.last_contact_on == days(-500) for p in rows)


def test_every_section_shows_its_rows(staff_client, staff_user, django_assert_max_num_queries):
    make_rows(2, coordinator=staff_user)
    AgreementFactory(title="Far future", valid_until=days(400))
    _n, html = dashboard_queries(staff_client, django_assert_max_num_queries)
    assert "Charter 0" in html and "Charter 1" in html and "Far future" not in html
    assert "Dash Network 0" in html and "overdue" in html  # fee due 3 days ago
    assert '<a href="/partners/partnerships/' in html
    assert "Quiet 0" in html  # dormant candidate
    assert "Call 0" in html  # recent activity
    assert "yours" in html
    assert "South America" in html and "Asia" in html
    assert "?expiring_within=90&amp;sort=valid_until" in html
    assert "?status=active&amp;no_contact=on" in html


def test_empty_dashboard_has_empty_states(mayor_client):
    response = mayor_client.get(reverse("dashboard"))
    html = response.content.decode()
    assert "Nothing expires in the next 90 days." in html
    assert "No fees or reports due" in html
    assert "No interactions recorded yet." in html


def test_query_count_does_not_grow_with_data(staff_client, django_assert_max_num_queries):
    make_rows(1)
    few, _html = dashboard_queries(staff_client, django_assert_max_num_queries)
    make_rows(11, start=1)  # more than a section shows: "More…" links appear
    many, html = dashboard_queries(staff_client, django_assert_max_num_queries)
    assert many == few
    assert "More…" in html


def test_pinned_query_count(staff_client, django_assert_num_queries):
    make_rows(3)
    staff_client.get(reverse("dashboard"))  # warm the session
    # session, user, 11 for the dashboard's sections, then the layout's: group names (can_edit),
    # user and group permissions (nav), the groups listed in the user menu; 4 for the
    # delegations cards (upcoming, awaiting review and its count, overdue logistics); then the
    # panels added by issue 13: the saved views chosen for the dashboard and the user's tasks;
    # the business pipeline by stage and the count of new visit requests (issue 14)
    with django_assert_num_queries(24):
        staff_client.get(reverse("dashboard"))
