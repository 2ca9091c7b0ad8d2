"""A visit's plan: participants, the itinerary and the logistics checklist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations.models import AgendaItem, LogisticsItem, Participant, Visit
from delegations.services import STANDARD_CHECKLIST, logistics_add_standard
from tests.delegations.factories import (
    AgendaItemFactory,
    LogisticsItemFactory,
    ParticipantFactory,
    VisitFactory,
)
from tests.editing import with_version
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    return VisitFactory(start_date=dt.date(2030, 5, 1), end_date=dt.date(2030, 5, 3))


def test_add_contact_and_staff_participants(staff_client, staff_user, visit):
    contact = ContactFactory()
    url = reverse("delegations:participant_create", args=[visit.pk])
    data = {
        "contact": contact.pk,
        "role": "Head",
        "precedence": 1,
        "needs_visa": "on",
        "dietary": "Vegetarian",
    }
    assert staff_client.post(url, data).status_code == 302
    assert staff_client.post(url, {"user": staff_user.pk, "precedence": 2}).status_code == 302
    people = list(visit.participants.all())
    assert [(p.contact, p.user) for p in people] == [(contact, None), (None, staff_user)]
    assert people[0].needs_visa and people[0].dietary == "Vegetarian"


def test_a_participant_twice_is_a_clear_error(staff_client, staff_user, visit):
    existing = ParticipantFactory(visit=visit)
    ParticipantFactory(visit=visit, contact=None, user=staff_user)
    url = reverse("delegations:participant_create", args=[visit.pk])
    response = staff_client.post(url, {"contact": existing.contact.pk, "precedence": 5})
    assert "is already on this visit" in str(response.context["form"].errors["contact"])
    response = staff_client.post(url, {"user": staff_user.pk, "precedence": 5})
    assert "is already on this visit" in str(response.context["form"].errors["user"])
    assert visit.participants.count() == 2
    # Editing an existing participant is not a duplicate of itself.
    edit = reverse("delegations:participant_update", args=[existing.pk])
    assert (
        staff_client.post(
            edit, with_version({"contact": existing.contact.pk, "precedence": 9}, existing)
        ).status_code
        == 302
    )


def test_a_participant_is_a_contact_or_a_user_not_both(staff_client, staff_user, visit):
    url = reverse("delegations:participant_create", args=[visit.pk])
    both = staff_client.post(
        url, {"contact": ContactFactory().pk, "user": staff_user.pk, "precedence": 1}
    )
    neither = staff_client.post(url, {"precedence": 1})
    for response in (both, neither):
        assert "exactly one" in str(response.context["form"].non_field_errors())
    assert not Participant.objects.exists()


def test_remove_participant(staff_client, visit):
    participant = ParticipantFactory(visit=visit)
    staff_client.post(reverse("delegations:participant_delete", args=[participant.pk]))
    assert not visit.participants.exists()


def test_agenda_items_must_fall_within_the_visit(staff_client, visit):
    url = reverse("delegations:agenda_item_create", args=[visit.pk])
    for day in ("2030-04-30", "2030-05-04"):
        response = staff_client.post(url, {"date": day, "title": "Too early or late"})
        assert "choose a date within it" in str(response.context["form"].errors["date"])
    response = staff_client.post(
        url, {"date": "2030-05-02", "title": "Lunch", "start_time": "13:00", "end_time": "12:00"}
    )
    assert "cannot end before it starts" in str(response.context["form"].errors["end_time"])
    assert not AgendaItem.objects.exists()
    ok = staff_client.post(
        url,
        {
            "date": "2030-05-02",
            "title": "Lunch",
            "start_time": "12:00",
            "end_time": "13:00",
            "venue": "Town hall",
        },
    )
    assert ok.status_code == 302 and ok["Location"].endswith("#itinerary")
    assert visit.agenda_items.get().title == "Lunch"


def test_edit_and_delete_agenda_item(staff_client, visit):
    item = AgendaItemFactory(visit=visit)
    url = reverse("delegations:agenda_item_update", args=[item.pk])
    staff_client.post(url, with_version({"date": "2030-05-03", "title": "Moved"}, item))
    item.refresh_from_db()
    assert (item.date, item.title) == (dt.date(2030, 5, 3), "Moved")
    staff_client.post(reverse("delegations:agenda_item_delete", args=[item.pk]))
    assert not AgendaItem.objects.exists()


def test_plan_of_a_cancelled_visit_is_frozen(staff_client):
    visit = VisitFactory(status=Visit.Status.CANCELLED)
    item = AgendaItemFactory(visit=visit, title="Kept")
    staff_client.post(
        reverse("delegations:agenda_item_update", args=[item.pk]),
        {"date": item.date.isoformat(), "title": "Changed"},
    )
    staff_client.post(reverse("delegations:logistics_add_standard", args=[visit.pk]))
    item.refresh_from_db()
    assert item.title == "Kept" and not visit.logistics.exists()


def test_standard_checklist_in_one_go_and_only_once(staff_client, visit):
    LogisticsItemFactory(visit=visit, kind=LogisticsItem.Kind.VISA)
    url = reverse("delegations:logistics_add_standard", args=[visit.pk])
    response = staff_client.post(url, follow=True)
    assert "6 checklist items added." in response.content.decode()
    kinds = sorted(visit.logistics.values_list("kind", flat=True))
    assert kinds == sorted(kind for kind, _days in STANDARD_CHECKLIST)
    press = visit.logistics.get(kind="press")
    assert press.due_on == visit.start_date - dt.timedelta(days=5)
    assert logistics_add_standard(visit=visit) == []


def test_overdue_logistics_are_highlighted(staff_client):
    today = timezone.localdate()
    visit = VisitFactory(start_date=today + dt.timedelta(days=3))
    LogisticsItemFactory(visit=visit, kind="visa", due_on=today - dt.timedelta(days=1))
    LogisticsItemFactory(
        visit=visit,
        kind="press",
        due_on=today - dt.timedelta(days=1),
        state=LogisticsItem.State.DONE,
    )
    html = staff_client.get(visit.get_absolute_url()).content.decode()
    assert html.count('class="overdue"') == 1


def test_edit_logistics_item(staff_client, staff_user, visit):
    item = LogisticsItemFactory(visit=visit)
    url = reverse("delegations:logistics_update", args=[item.pk])
    staff_client.post(
        url,
        with_version(
            {"kind": "transport", "owner": staff_user.pk, "due_on": "2030-04-20", "state": "done"},
            item,
        ),
    )
    item.refresh_from_db()
    assert (item.owner, item.state) == (staff_user, "done")
    staff_client.post(reverse("delegations:logistics_delete", args=[item.pk]))
    assert not LogisticsItem.objects.exists()
