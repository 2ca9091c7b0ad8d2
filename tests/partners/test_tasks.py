"""Tasks: "my tasks" (filters, order, overdue in words, empty state, flat queries), creating one
from the record it belongs to (and only for records the user may read), marking done in place,
the hub panel, the dashboard panel, follow-ups from interactions and memberships."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cityrelations.core.panels import panels_for, registered
from partners.models import Interaction, Task
from partners.views.tasks import tasks_panel
from tests.delegations.factories import VisitFactory
from tests.editing import with_version
from tests.factories import (
    ContactFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def week_end() -> dt.date:
    return TODAY + dt.timedelta(days=6 - TODAY.weekday())


# --- My tasks ------------------------------------------------------------------------------------


def test_my_tasks_lists_my_open_tasks_by_due_date(staff_client, staff_user):
    other = UserFactory(username="other")
    TaskFactory(owner=staff_user, title="Later", due_on=days(20))
    TaskFactory(owner=staff_user, title="Overdue one", due_on=days(-2))
    TaskFactory(owner=staff_user, title="Undated", due_on=None)
    TaskFactory(owner=staff_user, title="Finished", state=Task.State.DONE)
    TaskFactory(owner=other, title="Not mine")
    response = staff_client.get(reverse("partners:task_list"))
    assert response.status_code == 200
    titles = [t.title for t in response.context["tasks"]]
    assert titles == ["Overdue one", "Later", "Undated"]
    body = response.content.decode()
    assert "overdue</span>" in body and 'class="overdue"' in body  # in words, not colour alone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"due": "overdue"}, ["Overdue one"]),
        ({"due": "this_week"}, ["Today", "End of week"]),
        ({"due": "later"}, ["Next week", "Undated"]),
        ({"state": "done"}, ["Finished"]),
        (
            {"state": "any"},
            ["Overdue one", "Finished", "Today", "End of week", "Next week", "Undated"],
        ),
        ({"kind": "partnership"}, ["Today"]),
        ({"kind": "visit"}, ["End of week"]),
    ],
)
def test_my_tasks_filters(staff_client, staff_user, query, expected):
    TaskFactory(owner=staff_user, title="Overdue one", due_on=days(-2))
    TaskFactory(owner=staff_user, title="Finished", due_on=days(-1), state=Task.State.DONE)
    TaskFactory(owner=staff_user, title="Today", due_on=TODAY, record=PartnershipFactory())
    TaskFactory(owner=staff_user, title="End of week", due_on=week_end(), record=VisitFactory())
    TaskFactory(owner=staff_user, title="Next week", due_on=week_end() + dt.timedelta(days=1))
    TaskFactory(owner=staff_user, title="Undated", due_on=None)
    response = staff_client.get(reverse("partners:task_list"), query)
    assert [t.title for t in response.context["tasks"]] == expected


def test_a_bad_filter_shows_nothing_and_says_why(staff_client, staff_user):
    TaskFactory(owner=staff_user)
    response = staff_client.get(reverse("partners:task_list"), {"due": "yesterday"})
    assert response.status_code == 200
    assert list(response.context["tasks"]) == []
    assert "Some filters are not valid" in response.content.decode()


def test_my_tasks_empty_state(staff_client):
    body = staff_client.get(reverse("partners:task_list")).content.decode()
    assert "You have no open tasks." in body


def _many_tasks(owner, n: int) -> None:
    kinds = [PartnershipFactory, OrganizationFactory, ContactFactory, MembershipFactory]
    for i in range(n):
        TaskFactory(owner=owner, due_on=days(i - 3), record=kinds[i % 4]())
    TaskFactory(owner=owner, record=VisitFactory())


def test_my_tasks_queries_stay_flat(staff_client, staff_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_tasks(staff_user, 4)
    url = reverse("partners:task_list")
    staff_client.get(url)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    _many_tasks(staff_user, 20)
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(url)
    assert len(response.context["tasks"]) == 25  # a page
    assert response.context["page"].paginator.count == 26


def test_the_mayors_office_reads_its_tasks_but_edits_none(mayor_client, mayor_user):
    task = TaskFactory(owner=mayor_user, title="Read the briefing")
    response = mayor_client.get(reverse("partners:task_list"))
    assert response.status_code == 200 and "Read the briefing" in response.content.decode()
    assert reverse("partners:task_update", args=[task.pk]) not in response.content.decode()
    assert mayor_client.post(reverse("partners:task_update", args=[task.pk])).status_code == 403
    assert mayor_client.get(reverse("partners:task_create")).status_code == 403


# --- Create, edit, complete ---------------------------------------------------------------------


def test_a_task_added_from_a_partnership_is_linked_to_it(staff_client, staff_user):
    partnership = PartnershipFactory()
    url = reverse("partners:task_create") + f"?kind=partnership&object_id={partnership.pk}"
    page = staff_client.get(url)
    assert page.context["form"].initial["owner"] == staff_user.pk
    data = {"title": "Call the mayor's office", "due_on": days(3), "owner": staff_user.pk}
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == partnership.get_absolute_url()
    task = Task.objects.get()
    assert task.record == partnership and task.created_by == staff_user
    assert task.owner == staff_user


@pytest.mark.parametrize(
    "query",
    [
        "kind=planet&object_id=1",
        "kind=partnership&object_id=abc",
        "kind=partnership",
        "object_id=1",
    ],
)
def test_a_bad_link_is_not_found(staff_client, query):
    assert staff_client.get(reverse("partners:task_create") + "?" + query).status_code == 404
    assert not Task.objects.exists()


def test_a_task_links_only_to_what_its_creator_may_read(staff_client, staff_user):
    """Someone who may not read visits cannot attach a task to one (nor learn it exists)."""
    staff_user.user_permissions.add(Permission.objects.get(codename="add_task"))
    from django.contrib.auth.models import Group

    staff_user.groups.set([])
    staff_user.user_permissions.add(Permission.objects.get(codename="view_task"))
    visit = VisitFactory()
    url = reverse("partners:task_create") + f"?kind=visit&object_id={visit.pk}"
    assert staff_client.post(url, {"title": "Peek"}).status_code == 403
    assert not Task.objects.exists()
    assert Group.objects.exists()


def test_editing_a_task_to_done_records_who_and_when(staff_client, staff_user):
    task = TaskFactory(owner=staff_user, title="Draft the letter")
    url = reverse("partners:task_update", args=[task.pk])
    data = {"title": "Draft the letter", "owner": staff_user.pk, "state": "done", "notes": ""}
    assert staff_client.post(url, with_version(data, task)).status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.completed_by == staff_user
    assert task.completed_at is not None


def test_mark_done_in_place_on_my_tasks(staff_client, staff_user):
    task = TaskFactory(owner=staff_user, title="Send the minutes", due_on=days(-1))
    url = reverse("partners:task_mark_done", args=[task.pk])
    response = staff_client.post(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="task-{task.pk}"')
    assert "Reopen" in body and "overdue" not in body
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.completed_by == staff_user


def test_mark_done_without_javascript_comes_back_to_the_list(staff_client, staff_user):
    task = TaskFactory(owner=staff_user)
    back = reverse("partners:task_list") + "?due=overdue"
    response = staff_client.post(reverse("partners:task_mark_done", args=[task.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert staff_client.get(reverse("partners:task_mark_done", args=[task.pk])).status_code == 405


def test_delete_a_task(staff_client, staff_user):
    task = TaskFactory(owner=staff_user)
    url = reverse("partners:task_delete", args=[task.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 302
    assert not Task.objects.exists()


# --- Follow-ups from interactions and memberships -------------------------------------------------


def _interaction_data(partnership, **extra):
    return {
        "kind": "call",
        "occurred_on": TODAY.isoformat(),
        "subject": "Call with Vienna",
        "partnership": partnership.pk,
        **extra,
    }


def test_an_interactions_follow_up_becomes_a_task(staff_client, staff_user):
    partnership = PartnershipFactory()
    owner = UserFactory(username="owner")
    from django.contrib.auth.models import Group

    owner.groups.add(Group.objects.get(name="Diplomacy unit"))
    data = _interaction_data(
        partnership,
        follow_up="Send the heating study\nWith the English summary.",
        follow_up_owner=owner.pk,
        follow_up_due_on=days(5).isoformat(),
    )
    response = staff_client.post(reverse("partners:interaction_create"), data)
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    task = Task.objects.get()
    assert task.record == interaction and task.owner == owner and task.due_on == days(5)
    assert task.title == "Send the heating study"
    assert task.notes == "Send the heating study\nWith the English summary."


def test_a_follow_up_without_a_due_date_stays_text(staff_client):
    data = _interaction_data(PartnershipFactory(), follow_up="Maybe write")
    assert staff_client.post(reverse("partners:interaction_create"), data).status_code == 302
    assert not Task.objects.exists()


def test_a_due_date_without_a_follow_up_is_refused(staff_client):
    data = _interaction_data(PartnershipFactory(), follow_up_due_on=days(5).isoformat())
    response = staff_client.post(reverse("partners:interaction_create"), data)
    assert response.status_code == 200
    assert "follow_up" in response.context["form"].errors
    assert not Interaction.objects.exists() and not Task.objects.exists()


def test_a_memberships_report_deadline_becomes_a_task(staff_client, staff_user):
    membership = MembershipFactory(organization__name="Pact Net", next_report_due_on=days(12))
    body = staff_client.get(reverse("partners:membership_detail", args=[membership.pk])).content
    link = f"kind=membership&amp;object_id={membership.pk}"
    assert link in body.decode() and "Make the report a task" in body.decode()
    url = reverse("partners:task_create") + f"?kind=membership&object_id={membership.pk}"
    page = staff_client.get(url + f"&title=Report+to+Pact+Net&due_on={days(12).isoformat()}")
    assert page.context["form"].initial["title"] == "Report to Pact Net"
    data = {"title": "Report to Pact Net", "due_on": days(12).isoformat(), "owner": staff_user.pk}
    staff_client.post(url, data)
    task = Task.objects.get()
    assert task.record == membership and task.due_on == days(12)


# --- The hub panel and the dashboard ------------------------------------------------------------


@pytest.mark.parametrize(
    ("hub", "factory"),
    [
        ("partnership", PartnershipFactory),
        ("organization", OrganizationFactory),
        ("contact", ContactFactory),
    ],
)
def test_the_tasks_panel_is_registered_on_the_hubs(hub, factory):
    assert "tasks" in {p.key for p in registered(hub)}


def _request(user):
    request = RequestFactory().get("/partners/partnerships/1/")
    request.user = user
    return request


def test_the_tasks_panel_shows_open_tasks_overdue_first(staff_user, django_assert_num_queries):
    partnership = PartnershipFactory()
    TaskFactory(record=partnership, title="Later", due_on=days(9), owner=staff_user)
    TaskFactory(record=partnership, title="Late", due_on=days(-4))
    TaskFactory(record=partnership, title="Done", state=Task.State.DONE)
    TaskFactory(record=PartnershipFactory(), title="Elsewhere")
    request = _request(staff_user)
    tasks_panel(request, partnership)  # the content type is cached from here on
    with django_assert_num_queries(1):
        context = tasks_panel(request, partnership)
    assert [t.title for t in context["tasks"]] == ["Late", "Later"]
    assert f"kind=partnership&object_id={partnership.pk}" in context["add_url"]
    html = render_to_string(
        "partners/_tasks_panel.html",
        {**context, "panel_key": "tasks", "perms": _perms(staff_user), "request": request},
    )
    assert "Late" in html and "overdue" in html and "Add task" in html and "Done" not in html


def test_the_tasks_panel_costs_the_same_for_many_tasks(staff_user, django_assert_num_queries):
    partnership = PartnershipFactory()
    for i in range(30):
        TaskFactory(record=partnership, owner=staff_user if i % 2 else None, due_on=days(i - 10))
    request = _request(staff_user)
    tasks_panel(request, partnership)
    with django_assert_num_queries(1):
        assert len(tasks_panel(request, partnership)["tasks"]) == 30


def test_panels_for_leaves_the_panel_out_without_the_permission(db):
    contact = ContactFactory()
    nobody = UserFactory(username="nobody")
    assert "tasks" not in [p.key for p in panels_for("contact", _request(nobody), contact)]


def _perms(user):
    from django.contrib.auth.context_processors import PermWrapper

    return PermWrapper(user)


def test_the_dashboard_shows_my_overdue_and_this_weeks_tasks(staff_client, staff_user):
    TaskFactory(owner=staff_user, title="Late letter", due_on=days(-1))
    TaskFactory(owner=staff_user, title="Due today", due_on=TODAY)
    TaskFactory(owner=staff_user, title="Far future", due_on=days(30))
    TaskFactory(owner=UserFactory(username="x"), title="Someone else's", due_on=TODAY)
    body = staff_client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-tasks"' in body
    assert "Late letter" in body and "Due today" in body
    assert "Far future" not in body and "Someone else&#x27;s" not in body


def test_nul_bytes_and_huge_values_in_the_task_form_query_are_harmless(staff_client):
    url = reverse("partners:task_create")
    for query in (
        {"title": "Call\x00back", "due_on": "\x00"},
        {"title": "x" * 100_000, "due_on": "9" * 5000},
        {"kind": "partnership\x00", "object_id": "1\x00"},
    ):
        assert staff_client.get(url, query).status_code in (200, 404), query
    response = staff_client.post(url, {"title": "Call\x00back", "owner": "\x00"})
    assert response.status_code == 200
    assert not Task.objects.exists()
    tasks = reverse("partners:task_list")
    assert staff_client.get(tasks, {"due": "\x00", "q": "\x00"}).status_code == 200
