"""Every delegations URL for anonymous users, the mayor's office and the diplomacy unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.delegations.factories import (
    AgendaItemFactory,
    LogisticsItemFactory,
    ParticipantFactory,
    VisitFactory,
)
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects():
    visit = VisitFactory(cities=[CityFactory()])
    return {
        "visit": visit,
        "participant": ParticipantFactory(visit=visit),
        "agenda": AgendaItemFactory(visit=visit),
        "logistics": LogisticsItemFactory(visit=visit),
    }


def _pages(o):
    v = o["visit"].pk
    # (url, staff may, mayor may)
    return [
        (reverse("delegations:visit_list"), True, True),
        (reverse("delegations:visit_detail", args=[v]), True, True),
        (reverse("delegations:visit_create"), True, False),
        (reverse("delegations:visit_update", args=[v]), True, False),
        (reverse("delegations:visit_delete", args=[v]), True, False),
        (reverse("delegations:participant_create", args=[v]), True, False),
        (reverse("delegations:participant_update", args=[o["participant"].pk]), True, False),
        (reverse("delegations:participant_delete", args=[o["participant"].pk]), True, False),
        (reverse("delegations:agenda_item_create", args=[v]), True, False),
        (reverse("delegations:agenda_item_update", args=[o["agenda"].pk]), True, False),
        (reverse("delegations:agenda_item_delete", args=[o["agenda"].pk]), True, False),
        (reverse("delegations:logistics_create", args=[v]), True, False),
        (reverse("delegations:logistics_update", args=[o["logistics"].pk]), True, False),
        (reverse("delegations:logistics_delete", args=[o["logistics"].pk]), True, False),
        (reverse("delegations:review_queue"), True, True),
        (reverse("delegations:calendar"), True, True),
        (reverse("delegations:calendar") + "?view=list", True, True),
        (reverse("delegations:ical_settings"), True, True),
        (reverse("delegations:ical_reset"), True, True),
        (reverse("delegations:visit_conflicts_check"), True, True),
    ]


def test_anonymous_is_sent_to_login(anonymous_client, objects):
    for url, _staff, _mayor in _pages(objects):
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_staff_pages(staff_client, objects):
    for url, staff_may, _mayor in _pages(objects):
        assert staff_client.get(url).status_code == (200 if staff_may else 403), url


def test_mayor_pages(mayor_client, objects):
    for url, _staff, mayor_may in _pages(objects):
        assert mayor_client.get(url).status_code == (200 if mayor_may else 403), url


def test_post_only_urls(staff_client, mayor_client, anonymous_client, objects):
    visit = objects["visit"]
    standard = reverse("delegations:logistics_add_standard", args=[visit.pk])
    reset = reverse("delegations:ical_reset")
    submit = reverse("delegations:visit_transition", args=[visit.pk, "submit"])
    for url in (standard, reset, submit):
        assert anonymous_client.post(url).status_code == 302
    for url in (standard, submit):
        assert staff_client.get(url).status_code == 405
    assert mayor_client.post(standard).status_code == 403
    assert mayor_client.post(submit).status_code == 403
    assert mayor_client.post(reset).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "draft"
    assert visit.logistics.count() == 1


def test_missing_objects_are_404(staff_client):
    for name in (
        "visit_detail",
        "visit_update",
        "participant_update",
        "agenda_item_delete",
        "logistics_update",
        "participant_create",
    ):
        assert staff_client.get(reverse(f"delegations:{name}", args=[999999])).status_code == 404
    url = reverse("delegations:visit_transition", args=[999999, "submit"])
    assert staff_client.post(url).status_code == 404
