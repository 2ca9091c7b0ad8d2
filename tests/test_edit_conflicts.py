"""Two people editing the same record (issue 10, item 14): on every edit form of the app, a
save based on a stale copy is refused with what changed meanwhile, the record is unchanged,
and the form comes back with the user's change on top of the current version, so saving
again applies it. Each case opens the real page and posts what its form holds, as a browser.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.urls import resolve, reverse

from cityrelations.core import concurrency
from delegations.models import Gift, Visit
from partners.models import Office, Task
from tests.delegations.factories import (
    AgendaItemFactory,
    LogisticsItemFactory,
    ParticipantFactory,
    VisitFactory,
)
from tests.editing import edit_form_data
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.newsletters.factories import EditionFactory, EditionItemFactory, StoryFactory

pytestmark = pytest.mark.django_db


def _unit_member():  # type: ignore[no-untyped-def]
    """A diplomacy-unit user: a task's owner must be one (the task form requires an owner)."""
    from django.contrib.auth.models import Group

    from cityrelations.core.roles import DIPLOMACY_UNIT

    user = UserFactory()
    user.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    return user


@dataclass
class Case:
    """An edit form: how to make its record and URL, what a colleague changes meanwhile
    (a model field, its new value, its label on the form) and what the user changes."""

    id: str
    make: Callable[[], models.Model]
    url: Callable[[Any], str]
    theirs: tuple[str, Any, str]
    mine: tuple[str, str]
    mine_saved: Any = None  # the model value of ``mine`` once saved, when not the posted text


def _office() -> Office:
    contact = ContactFactory()
    return Office.objects.create(title="Mayor", contact=contact, city=contact.city)


def _gift() -> Gift:
    return Gift.objects.create(
        visit=VisitFactory(),
        direction=Gift.Direction.RECEIVED,
        description="Crystal bowl",
        counterpart="Mayor of Vienna",
        date=dt.date(2025, 5, 4),
        value=Decimal("250.00"),
    )


def _url(name: str) -> Callable[[Any], str]:
    return lambda obj: reverse(name, args=[obj.pk])


CASES = [
    Case(
        "partnership",
        PartnershipFactory,
        _url("partners:partnership_update"),
        ("summary", "Theirs: a tram exchange", "Summary"),
        ("notes", "Mine: call in May"),
    ),
    Case(
        "organisation",
        OrganizationFactory,
        _url("partners:organization_update"),
        ("description", "Theirs: a network", "Description"),
        ("acronym", "MINE"),
    ),
    Case(
        "membership",
        MembershipFactory,
        _url("partners:membership_update"),
        ("commitments", "Theirs: report yearly", "Commitments"),
        ("reporting_notes", "Mine: due in March"),
    ),
    Case(
        "agreement",
        AgreementFactory,
        _url("partners:agreement_update"),
        ("title", "Theirs: twinning charter", "Title"),
        ("signatory_partner", "Mine: the mayor"),
    ),
    Case(
        "contact",
        ContactFactory,
        _url("partners:contact_update"),
        ("protocol_notes", "Theirs: no handshake", "Protocol notes"),
        ("notes", "Mine: likes trams"),
    ),
    Case(
        "office",
        _office,
        _url("partners:office_update"),
        ("title", "Theirs: Deputy Mayor", "Title"),
        ("started_on", "2024-01-01"),
        dt.date(2024, 1, 1),
    ),
    Case(
        "interaction",
        lambda: InteractionFactory(partnership=PartnershipFactory()),
        _url("partners:interaction_update"),
        ("summary", "Theirs: went well", "Summary"),
        ("subject", "Mine: kick-off call"),
    ),
    Case(
        "project",
        ProjectFactory,
        _url("partners:project_update"),
        ("description", "Theirs: green corridors", "Description"),
        ("funding_programme", "Mine: Interreg"),
    ),
    Case(
        "city",
        CityFactory,
        _url("partners:city_update"),
        ("notes", "Theirs: river city", "Notes"),
        ("region", "Mine region"),
    ),
    Case(
        "visit",
        VisitFactory,
        _url("delegations:visit_update"),
        ("purpose", "Theirs: mobility", "Purpose"),
        ("title", "Mine: study visit"),
    ),
    Case(
        "participant",
        ParticipantFactory,
        _url("delegations:participant_update"),
        ("notes", "Theirs: vegetarian", "Notes"),
        ("role", "Mine: interpreter"),
    ),
    Case(
        "agenda item",
        AgendaItemFactory,
        _url("delegations:agenda_item_update"),
        ("notes", "Theirs: bring gifts", "Notes"),
        ("venue", "Mine: city hall"),
    ),
    Case(
        "logistics item",
        LogisticsItemFactory,
        _url("delegations:logistics_update"),
        ("description", "Theirs: two cars", "Description"),
        ("due_on", "2030-04-20"),
        dt.date(2030, 4, 20),
    ),
    Case(
        "gift",
        _gift,
        _url("delegations:gift_update"),
        ("notes", "Theirs: fragile", "Internal notes"),
        ("storage_location", "Mine: cabinet 3"),
    ),
    Case(
        "post-visit report",
        VisitFactory,
        _url("delegations:report_update"),
        ("outcomes", "Theirs: a joint study", "Outcomes"),
        ("outcomes", "Mine: a tram study and a visit back"),
    ),
    Case(
        "task",
        lambda: Task.objects.create(record=VisitFactory(), title="Call back", owner=_unit_member()),
        _url("partners:task_update"),
        ("title", "Theirs: call back on Monday", "Task"),
        ("due_on", "2030-01-15"),
        dt.date(2030, 1, 15),
    ),
    Case(
        "publication",
        lambda: VisitFactory(status=Visit.Status.COMPLETED, public_summary="Old summary"),
        _url("delegations:visit_publish"),
        ("public_summary", "Theirs: Vienna came", "Public summary"),
        ("public_summary", "Mine: Vienna came to study trams"),
    ),
    Case(
        "story",
        StoryFactory,
        _url("newsletters:story_update"),
        ("title_en", "Theirs: trams", "Title (English)"),
        ("image_alt_hu", "Mine: egy villamos"),
    ),
    Case(
        "edition",
        EditionFactory,
        _url("newsletters:edition_update"),
        ("title_en", "Theirs: May", "Title (English)"),
        ("introduction_hu", "<p>Mine: szia</p>"),
    ),
    Case(
        "edition item",
        EditionItemFactory,
        lambda item: reverse("newsletters:edition_item_update", args=[item.edition_id, item.pk]),
        ("title_en", "Theirs: tram news", "Title (English)"),
        ("body_en", "<p>Mine: more</p>"),
    ),
]


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", first_name="Anna", last_name="Kollega")


def _fresh(obj: models.Model) -> models.Model:
    return type(obj)._base_manager.get(pk=obj.pk)


def _row(obj: models.Model) -> dict[str, Any]:
    return type(obj)._base_manager.filter(pk=obj.pk).values().get()


def _colleague_saves(obj: models.Model, field: str, value: Any, user: Any) -> None:
    """The other tab: a colleague's save of the same record (recorded in its history)."""
    record = _fresh(obj)
    setattr(record, field, value)
    record._history_user = user  # type: ignore[attr-defined]
    record.save()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_stale_save_is_refused_then_reapplied_on_the_current_version(
    staff_client, colleague, case
):
    obj = case.make()
    url = case.url(obj)
    data = edit_form_data(staff_client.get(url).content)  # the user opens the form
    their_field, their_value, their_label = case.theirs
    _colleague_saves(obj, their_field, their_value, colleague)
    before = _row(obj)

    mine_field, mine_value = case.mine
    response = staff_client.post(url, {**data, mine_field: mine_value})

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-version-conflict" in page
    assert f"{their_label}: was " in page and f"now “{their_value}”" in page
    if hasattr(type(obj), "history"):  # who and when come from the record's history
        assert "changed by Anna Kollega at" in page
    assert _row(obj) == before  # nothing of the stale save was applied
    again = edit_form_data(page)
    assert again[mine_field] == mine_value  # the user's change is kept...
    if their_field != mine_field:
        assert again[their_field] == their_value  # ...on top of the colleague's
    assert int(again["version"]) == before["version"]

    response = staff_client.post(url, again)  # saving again applies it

    assert response.status_code == 302
    saved = _fresh(obj)
    expected = case.mine_saved if case.mine_saved is not None else mine_value
    assert getattr(saved, mine_field) == expected
    if their_field != mine_field:
        assert getattr(saved, their_field) == their_value
    assert saved.version == before["version"] + 1


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_post_without_its_version_is_refused(staff_client, case):
    obj = case.make()
    url = case.url(obj)
    data = edit_form_data(staff_client.get(url).content)
    before = _row(obj)
    data = {k: v for k, v in data.items() if k not in ("version", "version_base")}

    response = staff_client.post(url, {**data, case.mine[0]: case.mine[1]})

    assert response.status_code == 200
    assert "data-version-conflict" in response.content.decode()
    assert _row(obj) == before


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_edit_view_retries_a_save_that_lost_the_race(case):
    """The conditional update is the last line: its loser must come back as the conflict
    page, not a 500 (the race itself is run for real in the test below)."""
    obj = case.make()
    view = resolve(case.url(obj)).func
    assert getattr(view, "refuses_stale_saves", False)


def test_a_change_to_fields_not_on_the_form_merges_silently(staff_client):
    """The mayor's office approving a visit while staff edit its report loses nothing the
    user saw: the report saves (on the current version, keeping the new status)."""
    visit = VisitFactory(status=Visit.Status.SUBMITTED)
    url = reverse("delegations:report_update", args=[visit.pk])
    data = edit_form_data(staff_client.get(url).content)
    _colleague_saves(visit, "status", Visit.Status.APPROVED, None)

    response = staff_client.post(url, {**data, "outcomes": "A study."})

    assert response.status_code == 302
    saved = _fresh(visit)
    assert (saved.outcomes, saved.status) == ("A study.", Visit.Status.APPROVED)


@pytest.mark.django_db(transaction=True)
def test_a_save_that_loses_the_race_after_its_check_shows_the_conflict(
    staff_client, colleague, monkeypatch
):
    """Both saves pass the form check; the colleague's commits first (another connection).
    The conditional UPDATE refuses the second, which is rolled back and shown as a conflict."""
    partnership = PartnershipFactory(summary="Old")
    url = reverse("partners:partnership_update", args=[partnership.pk])
    data = edit_form_data(staff_client.get(url).content)
    original = concurrency.VersionedFormMixin._check_version
    raced = []

    def check_then_lose_the_race(form: Any) -> None:
        original(form)
        if not raced:
            raced.append(True)

            def other_tab() -> None:
                try:
                    _colleague_saves(partnership, "summary", "Theirs", colleague)
                finally:
                    connection.close()

            thread = threading.Thread(target=other_tab)
            thread.start()
            thread.join()

    monkeypatch.setattr(concurrency.VersionedFormMixin, "_check_version", check_then_lose_the_race)

    response = staff_client.post(url, {**data, "notes": "Mine"})

    assert response.status_code == 200
    assert "data-version-conflict" in response.content.decode()
    saved = _fresh(partnership)
    assert (saved.summary, saved.notes, saved.version) == ("Theirs", "", 2)


def test_an_in_place_change_makes_an_open_edit_form_stale(staff_client):
    """Marking a task done in place (htmx) moves its version on: a form opened before is
    refused, and says what the tick changed."""
    task = Task.objects.create(record=VisitFactory(), title="Call back")
    url = reverse("partners:task_update", args=[task.pk])
    data = edit_form_data(staff_client.get(url).content)
    done = reverse("partners:task_mark_done", args=[task.pk])
    assert staff_client.post(done, headers={"HX-Request": "true"}).status_code == 200

    response = staff_client.post(url, {**data, "title": "Call back on Monday"})

    page = response.content.decode()
    assert "data-version-conflict" in page and "State: was Open, now Done" in page
    saved = _fresh(task)
    assert (saved.title, saved.state, saved.version) == ("Call back", Task.State.DONE, 2)


def test_in_place_steps_move_the_version_on(staff_client, staff_user):
    partnership = PartnershipFactory(status="active")
    staff_client.post(reverse("partners:partnership_mark_dormant", args=[partnership.pk]))
    assert _fresh(partnership).status == "dormant" and _fresh(partnership).version == 2
    visit = VisitFactory(owner=staff_user)
    staff_client.post(reverse("delegations:visit_transition", args=[visit.pk, "submit"]))
    assert _fresh(visit).status == Visit.Status.SUBMITTED and _fresh(visit).version == 2
