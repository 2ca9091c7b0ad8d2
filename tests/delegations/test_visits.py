"""Visit pages: list (filters, search, sort, pages), create/edit/delete, detail, workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from delegations.models import Visit, VisitTransition
from tests.delegations.factories import AgendaItemFactory, ParticipantFactory, VisitFactory
from tests.editing import with_version
from tests.factories import CityFactory, ContactFactory

pytestmark = pytest.mark.django_db
S = Visit.Status
LIST = reverse("delegations:visit_list")


def _titles(response) -> list[str]:
    return [v.title for v in response.context["visits"]]


def _form_data(**overrides):
    data = {
        "direction": "incoming",
        "title": "Vienna mobility delegation",
        "purpose": "Trams",
        "level": "deputy_mayor",
        "start_date": "2030-05-01",
        "end_date": "2030-05-03",
        "budget": "1200.50",
        "currency": "EUR",
    }
    data.update(overrides)
    return data


def test_list_filters_search_and_sort(staff_client):
    vienna = CityFactory(name="Vienna")
    VisitFactory(
        title="Alpha",
        direction="incoming",
        level="mayor",
        start_date=dt.date(2030, 1, 5),
        end_date=dt.date(2030, 1, 6),
        cities=[vienna],
    )
    VisitFactory(
        title="Beta",
        direction="outgoing",
        level="technical",
        status=S.SUBMITTED,
        start_date=dt.date(2030, 3, 1),
        end_date=dt.date(2030, 3, 2),
        purpose="Water",
    )
    assert _titles(staff_client.get(LIST)) == ["Beta", "Alpha"]  # newest first
    assert _titles(staff_client.get(LIST, {"direction": "outgoing"})) == ["Beta"]
    assert _titles(staff_client.get(LIST, {"level": "mayor"})) == ["Alpha"]
    assert _titles(staff_client.get(LIST, {"status": "submitted"})) == ["Beta"]
    assert _titles(staff_client.get(LIST, {"city": vienna.pk})) == ["Alpha"]
    assert _titles(staff_client.get(LIST, {"q": "water"})) == ["Beta"]
    assert _titles(staff_client.get(LIST, {"date_from": "2030-02-01"})) == ["Beta"]
    assert _titles(staff_client.get(LIST, {"date_to": "2030-02-01"})) == ["Alpha"]
    assert _titles(staff_client.get(LIST, {"sort": "title"})) == ["Alpha", "Beta"]
    assert _titles(staff_client.get(LIST, {"sort": "-title"})) == ["Beta", "Alpha"]
    empty = staff_client.get(LIST, {"q": "nothing like this"})
    assert "No visits match these filters." in empty.content.decode()


def test_list_survives_malformed_query_strings(staff_client):
    VisitFactory()
    for params in (
        {"page": "abc"},
        {"page": "99999"},
        {"date_from": "not-a-date"},
        {"status": "bogus"},
        {"city": "x"},
        {"sort": "password"},
    ):
        assert staff_client.get(LIST, params).status_code == 200, params


def test_list_paginates(staff_client):
    for i in range(26):
        VisitFactory(title=f"Visit {i:02d}")
    first = staff_client.get(LIST)
    assert len(first.context["visits"]) == 25
    assert len(staff_client.get(LIST, {"page": 2}).context["visits"]) == 1


def test_create_visit_as_draft_owned_by_the_author(staff_client, staff_user):
    city = CityFactory()
    response = staff_client.post(reverse("delegations:visit_create"), _form_data(cities=[city.pk]))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert (visit.status, visit.owner, visit.budget) == (S.DRAFT, staff_user, Decimal("1200.50"))
    assert list(visit.cities.all()) == [city]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2030-04-30"}, "end_date", "cannot end before it starts"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0"),
        ({"title": ""}, "title", "required"),
    ],
)
def test_create_refuses_bad_input(staff_client, overrides, field, message):
    response = staff_client.post(reverse("delegations:visit_create"), _form_data(**overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Visit.objects.exists()


def test_edit_warns_about_conflicts_but_saves(staff_client):
    vienna = CityFactory(name="Vienna")
    VisitFactory(
        title="Already there",
        start_date=dt.date(2030, 5, 2),
        end_date=dt.date(2030, 5, 2),
        cities=[vienna],
    )
    visit = VisitFactory(start_date=dt.date(2030, 6, 1), end_date=dt.date(2030, 6, 2))
    url = reverse("delegations:visit_update", args=[visit.pk])
    data = with_version(_form_data(cities=[vienna.pk]), visit)
    response = staff_client.post(url, data, follow=True)
    visit.refresh_from_db()
    assert visit.start_date == dt.date(2030, 5, 1)
    assert "“Already there” is in Vienna at the same time." in response.content.decode()
    form_page = staff_client.get(url).content.decode()
    assert "Possible conflicts" in form_page and "Already there" in form_page


def test_edit_refuses_dates_that_strand_agenda_items(staff_client):
    visit = VisitFactory(start_date=dt.date(2030, 5, 1), end_date=dt.date(2030, 5, 5))
    AgendaItemFactory(visit=visit, date=dt.date(2030, 5, 5))
    url = reverse("delegations:visit_update", args=[visit.pk])
    response = staff_client.post(url, _form_data(start_date="2030-05-01", end_date="2030-05-03"))
    assert response.status_code == 200
    assert "1 agenda item would fall outside these dates. Move or delete it first." in (
        response.content.decode()
    )
    visit.refresh_from_db()
    assert visit.end_date == dt.date(2030, 5, 5)


def test_closed_visits_cannot_be_edited(staff_client):
    visit = VisitFactory(status=S.COMPLETED, title="Done")
    url = reverse("delegations:visit_update", args=[visit.pk])
    response = staff_client.post(url, _form_data(title="Changed"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Done"


def test_only_drafts_can_be_deleted(staff_client):
    draft, submitted = VisitFactory(), VisitFactory(status=S.SUBMITTED)
    page = staff_client.get(reverse("delegations:visit_delete", args=[draft.pk]))
    assert "This cannot be undone." in page.content.decode()
    staff_client.post(reverse("delegations:visit_delete", args=[draft.pk]))
    assert not Visit.objects.filter(pk=draft.pk).exists()
    response = staff_client.post(
        reverse("delegations:visit_delete", args=[submitted.pk]), follow=True
    )
    assert "Only draft visits can be deleted" in response.content.decode()
    assert Visit.objects.filter(pk=submitted.pk).exists()


def test_detail_lists_participants_in_precedence_and_agenda_by_day(staff_client):
    visit = VisitFactory(start_date=dt.date(2030, 5, 1), end_date=dt.date(2030, 5, 2))
    ParticipantFactory(visit=visit, contact=ContactFactory(last_name="Second"), precedence=2)
    ParticipantFactory(visit=visit, contact=ContactFactory(last_name="First"), precedence=1)
    AgendaItemFactory(visit=visit, date=dt.date(2030, 5, 2), title="Dinner")
    AgendaItemFactory(visit=visit, date=dt.date(2030, 5, 1), title="Welcome")
    response = staff_client.get(visit.get_absolute_url())
    html = response.content.decode()
    assert [p.contact.last_name for p in response.context["participants"]] == ["First", "Second"]
    assert [day for day, _items in response.context["agenda_days"]] == [
        dt.date(2030, 5, 1),
        dt.date(2030, 5, 2),
    ]
    assert html.index("First") < html.index("Second") and html.index("Welcome") < html.index(
        "Dinner"
    )
    assert (
        "Submit for review" in html and reverse("delegations:visit_update", args=[visit.pk]) in html
    )


def test_mayor_sees_no_edit_buttons(mayor_client):
    visit = VisitFactory(status=S.SUBMITTED)
    html = mayor_client.get(visit.get_absolute_url()).content.decode()
    assert reverse("delegations:visit_update", args=[visit.pk]) not in html
    assert reverse("delegations:participant_create", args=[visit.pk]) not in html
    assert "Add standard checklist" not in html
    assert "Approve" in html and "Request changes" in html


def test_submit_and_approve_through_the_pages(staff_client, mayor_client, mayor_user):
    visit = VisitFactory()
    staff_client.post(reverse("delegations:visit_transition", args=[visit.pk, "submit"]))
    url = reverse("delegations:visit_transition", args=[visit.pk, "approve"])
    response = mayor_client.post(url, {"comment": "Good plan"}, follow=True)
    visit.refresh_from_db()
    assert visit.status == S.APPROVED
    assert "is now approved" in response.content.decode()
    record = VisitTransition.objects.get(to_status=S.APPROVED)
    assert (record.by, record.comment) == (mayor_user, "Good plan")
    page = staff_client.get(visit.get_absolute_url()).content.decode()
    assert "Mayor's office decision: Approved" in page and "Good plan" in page


def test_wrong_role_is_403_and_wrong_state_a_message(staff_client, mayor_client):
    visit = VisitFactory(status=S.SUBMITTED)
    url = reverse("delegations:visit_transition", args=[visit.pk, "approve"])
    assert staff_client.post(url).status_code == 403
    assert (
        staff_client.post(
            reverse("delegations:visit_transition", args=[visit.pk, "launch"])
        ).status_code
        == 403
    )
    mayor_client.post(url)
    response = mayor_client.post(
        reverse("delegations:visit_transition", args=[visit.pk, "decline"]),
        {"comment": "No"},
        follow=True,
    )
    assert "no longer possible" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.APPROVED and visit.transitions.count() == 1


def test_decline_without_a_comment_changes_nothing(mayor_client):
    visit = VisitFactory(status=S.SUBMITTED)
    url = reverse("delegations:visit_transition", args=[visit.pk, "decline"])
    response = mayor_client.post(url, {"comment": ""}, follow=True)
    assert "Please give a reason" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED


def test_next_must_stay_on_this_site(staff_client):
    visit = VisitFactory()
    url = reverse("delegations:visit_transition", args=[visit.pk, "submit"])
    response = staff_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == visit.get_absolute_url()


def test_live_conflict_check_for_the_form(staff_client):
    vienna = CityFactory(name="Vienna")
    other = VisitFactory(
        title="Already there",
        start_date=dt.date(2030, 5, 2),
        end_date=dt.date(2030, 5, 2),
        cities=[vienna],
    )
    url = reverse("delegations:visit_conflicts_check")
    params = {"start_date": "2030-05-01", "end_date": "2030-05-03", "cities": [vienna.pk]}
    html = staff_client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
    assert "Possible conflicts" in html and "Already there" in html
    # The visit itself, being edited, is not its own conflict; broken dates give no warning.
    assert (
        "Possible conflicts"
        not in staff_client.get(url, {**params, "visit": other.pk}).content.decode()
    )
    assert staff_client.get(url, {"start_date": "x", "end_date": "2030-01-01"}).status_code == 200
    assert staff_client.get(url, {"visit": "abc"}).status_code == 404


def test_visit_page_shows_times_dates_and_row_links(staff_client):
    visit = VisitFactory(start_date=dt.date(2031, 5, 6), end_date=dt.date(2031, 5, 8))
    timed = AgendaItemFactory(
        visit=visit, date=visit.start_date, start_time=dt.time(9, 30), end_time=dt.time(11, 0)
    )
    AgendaItemFactory(visit=visit, date=visit.end_date, start_time=dt.time(14, 5), end_time=None)
    AgendaItemFactory(visit=visit, date=visit.end_date, start_time=None, end_time=None)
    participant = ParticipantFactory(visit=visit)
    html = staff_client.get(visit.get_absolute_url()).content.decode()
    assert "09:30–11:00" in html and "14:05<" in html and "All day" in html
    assert "6 May 2031 – 8 May 2031" in html
    for url in (
        reverse("delegations:agenda_item_update", args=[timed.pk]),
        reverse("delegations:agenda_item_delete", args=[timed.pk]),
        reverse("delegations:participant_update", args=[participant.pk]),
        reverse("delegations:participant_delete", args=[participant.pk]),
    ):
        assert f'href="{url}"' in html
