"""The delegations demo data: every state, both directions, idempotent, and graceful without
the partners demo."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from delegations.dashboard import overdue_logistics
from delegations.demo.seed import seed_delegations
from delegations.models import (
    AgendaItem,
    Gift,
    LogisticsItem,
    Participant,
    Visit,
    VisitTransition,
)
from partners.demo.seed import seed_partners
from partners.models import Task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = (Visit, Participant, AgendaItem, LogisticsItem, VisitTransition, Task, Gift)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo_world():
    staff = UserFactory(username="staff")
    staff.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    mayor = UserFactory(username="mayor")
    mayor.groups.add(Group.objects.get(name=MAYORS_OFFICE))
    seed_partners()
    return staff, mayor


def test_seed_covers_every_state_and_is_idempotent(demo_world):
    staff, mayor = demo_world
    first = seed_delegations()
    assert first["visits created"] > 0
    assert first["visits skipped (city missing)"] == 0
    before = counts()
    second = seed_delegations()
    assert second["visits created"] == 0
    assert counts() == before

    assert set(Visit.objects.values_list("status", flat=True)) == set(Visit.Status.values)
    assert set(Visit.objects.values_list("direction", flat=True)) == set(Visit.Direction.values)
    public = Visit.objects.filter(status=Visit.Status.COMPLETED, is_public=True)
    assert public.exists()
    assert all(v.public_summary for v in public)
    assert Visit.objects.filter(status=Visit.Status.COMPLETED, is_public=False).exists()

    reviews = VisitTransition.objects.filter(
        to_status__in=[Visit.Status.APPROVED, Visit.Status.CHANGES_REQUESTED, Visit.Status.DECLINED]
    )
    assert reviews.exists() and all(t.by == mayor for t in reviews)
    assert reviews.exclude(comment="").exists()
    for visit in Visit.objects.exclude(status=Visit.Status.DRAFT):
        last = visit.transitions.order_by("-at", "-pk").first()
        assert last is not None and last.to_status == visit.status

    assert Participant.objects.filter(user=staff).exists()
    assert Participant.objects.filter(user=mayor).exists()
    assert Participant.objects.filter(contact__isnull=False).exists()
    assert AgendaItem.objects.exists()
    assert overdue_logistics().exists()
    assert Task.objects.filter(visit__isnull=False, state=Task.State.DONE).exists()
    assert Task.objects.filter(visit__isnull=False, state=Task.State.OPEN).exists()
    assert Gift.objects.filter(visit__isnull=True).exists()
    assert Gift.objects.filter(direction=Gift.Direction.GIVEN).exists()
    assert Gift.objects.filter(direction=Gift.Direction.RECEIVED).exists()


def test_seed_skips_visits_whose_city_is_missing():
    result = seed_delegations()
    assert result["visits created"] == 0
    assert result["visits skipped (city missing)"] > 0
    assert not Visit.objects.exists()
    assert Gift.objects.filter(visit__isnull=True).count() == 1


def test_demo_visit_pages_render(demo_world, staff_client, mayor_client):
    seed_delegations()
    visit = Visit.objects.get(title="Vienna cultural week opening")
    for client in (staff_client, mayor_client):
        response = client.get(visit.get_absolute_url())
        assert response.status_code == 200
        assert "Augarten porcelain figure" in response.content.decode()


def test_seed_has_visit_requests_in_every_state(demo_world):
    from delegations.models import VisitRequest

    first = seed_delegations()
    assert first["visit requests created"] == len(VisitRequest.Status.values) + 1
    assert set(VisitRequest.objects.values_list("status", flat=True)) == set(
        VisitRequest.Status.values
    )
    accepted = VisitRequest.objects.get(status=VisitRequest.Status.ACCEPTED)
    assert accepted.visit is not None and accepted.visit.status == Visit.Status.DRAFT
    assert VisitRequest.objects.get(status=VisitRequest.Status.DECLINED).reply_body
    before = (VisitRequest.objects.count(), Visit.objects.count())
    assert seed_delegations()["visit requests created"] == 0
    assert (VisitRequest.objects.count(), Visit.objects.count()) == before


def test_demo_events_have_sessions_and_a_waitlist_and_are_idempotent(
    demo_world, staff_client, client
):
    from delegations.models import Event, Registration

    seed_delegations()
    again = seed_delegations()
    assert again["events created"] == 0
    conference = Event.objects.get(kind=Event.Kind.CONFERENCE)
    assert "2027" in conference.title_en and conference.mayor_attends
    course = Event.objects.get(slug="academy-of-city-diplomacy-spring-course")
    assert course.cohort and course.sessions.count() >= 4
    statuses = set(course.registrations.values_list("status", flat=True))
    assert {Registration.Status.CONFIRMED, Registration.Status.WAITLISTED} <= statuses
    assert course.registrations.holding_seat().count() == course.capacity
    assert staff_client.get(course.get_absolute_url()).status_code == 200
    assert client.get(course.get_public_url()).status_code == 200
    completed = Event.objects.get(slug="academy-of-city-diplomacy-autumn-course")
    assert completed.status == Event.Status.COMPLETED
    qualifying = completed.registrations.with_attended_count().filter(
        attended_count__gte=completed.sessions_needed(completed.sessions.count())
    )
    assert qualifying.count() == 5  # 3 or 4 of 4 sessions; the one with 2 of 4 does not
