"""Tasks stay with their records: merged contacts keep theirs, deleted records take theirs along,
an interaction's follow-up is one task however often it is edited, every task has an owner, the
records without a hub show their open tasks, the dashboard links each task, and an owner may
tick off their own task even from the mayor's office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from partners.models import Interaction, Task
from partners.services import contact_merge
from tests.editing import with_version
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


# --- 1. Merging contacts ------------------------------------------------------------------------


def test_merging_contacts_moves_the_removed_contacts_tasks(staff_user):
    keep, remove = ContactFactory(), ContactFactory()
    kept_task = TaskFactory(record=keep, title="Kept one")
    moved = TaskFactory(record=remove, title="Call back")
    contact_merge(keep=keep, remove=remove, values={}, by=staff_user)
    moved.refresh_from_db()
    assert moved.record == keep
    assert set(Task.objects.for_record(keep)) == {kept_task, moved}


def test_the_merge_page_counts_tasks(staff_client):
    a, b = ContactFactory(), ContactFactory()
    TaskFactory(record=b)
    TaskFactory(record=b)
    url = reverse("partners:contact_merge") + f"?a={a.pk}&b={b.pk}"
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["counts"]["b"]["tasks"] == 2
    assert response.context["counts"]["a"]["tasks"] == 0
    assert "2 tasks" in response.content.decode()


# --- 2. Deleting a record deletes its tasks -----------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [
        (PartnershipFactory, "partners:partnership_delete"),
        (OrganizationFactory, "partners:organization_delete"),
        (ContactFactory, "partners:contact_delete"),
        (AgreementFactory, "partners:agreement_delete"),
        (ProjectFactory, "partners:project_delete"),
        (MembershipFactory, "partners:membership_delete"),
        (InteractionFactory, "partners:interaction_delete"),
    ],
)
def test_deleting_a_record_deletes_its_tasks(staff_client, factory, url_name):
    record = factory()
    TaskFactory(record=record, title="Goes with it")
    other = TaskFactory(record=PartnershipFactory(), title="Stays")
    url = reverse(url_name, args=[record.pk])
    assert staff_client.get(url).status_code == 200  # the confirmation page
    assert staff_client.post(url).status_code == 302
    assert not type(record).objects.filter(pk=record.pk).exists()
    assert list(Task.objects.all()) == [other]


# --- 3. Editing an interaction keeps one follow-up task -----------------------------------------


def _diplomat(username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name="Diplomacy unit"))
    return user


def _interaction_data(interaction, **extra):
    data = {
        "kind": interaction.kind,
        "occurred_on": interaction.occurred_on.isoformat(),
        "subject": interaction.subject,
        "partnership": interaction.partnership_id,
        "follow_up": interaction.follow_up,
        **extra,
    }
    return with_version(data, interaction)


def test_editing_an_interaction_updates_its_follow_up_task(staff_client, staff_user):
    owner, new_owner = _diplomat("owner"), _diplomat("newowner")
    interaction = InteractionFactory(partnership=PartnershipFactory(), follow_up="Send the study")
    task = TaskFactory(record=interaction, owner=owner, due_on=days(5), title="Send the study")
    url = reverse("partners:interaction_update", args=[interaction.pk])
    form = staff_client.get(url).context["form"]
    assert form["follow_up_owner"].value() == owner.pk
    assert form["follow_up_due_on"].value() == days(5)
    data = _interaction_data(
        interaction,
        follow_up="Send the revised study\nWith notes.",
        follow_up_owner=new_owner.pk,
        follow_up_due_on=days(9).isoformat(),
    )
    assert staff_client.post(url, data).status_code == 302
    assert Task.objects.count() == 1
    task.refresh_from_db()
    assert task.title == "Send the revised study" and task.owner == new_owner
    assert task.due_on == days(9) and task.notes == "Send the revised study\nWith notes."


def test_saving_an_interaction_unchanged_makes_no_second_task(staff_client, staff_user):
    interaction = InteractionFactory(partnership=PartnershipFactory(), follow_up="Write")
    TaskFactory(record=interaction, owner=staff_user, due_on=days(3), title="Write")
    url = reverse("partners:interaction_update", args=[interaction.pk])
    form = staff_client.get(url).context["form"]
    data = _interaction_data(
        interaction,
        follow_up_owner=form["follow_up_owner"].value(),
        follow_up_due_on=form["follow_up_due_on"].value().isoformat(),
    )
    assert staff_client.post(url, data).status_code == 302
    assert Task.objects.count() == 1


def test_editing_an_interaction_without_a_task_creates_one(staff_client, staff_user):
    interaction = InteractionFactory(partnership=PartnershipFactory(), follow_up="Write")
    TaskFactory(record=interaction, owner=staff_user, state=Task.State.DONE, title="Old")
    url = reverse("partners:interaction_update", args=[interaction.pk])
    form = staff_client.get(url).context["form"]
    assert form["follow_up_owner"].value() is None  # a finished task is not the follow-up
    data = _interaction_data(interaction, follow_up_due_on=days(2).isoformat())
    assert staff_client.post(url, data).status_code == 302
    new = Task.objects.open().get()
    assert new.record == Interaction.objects.get() and new.owner == staff_user
    assert Task.objects.count() == 2


# --- 4. An owner for every task; open tasks on agreements, projects, memberships ----------------


def test_a_task_needs_an_owner(staff_client, staff_user):
    url = reverse("partners:task_create")
    assert staff_client.get(url).context["form"].initial["owner"] == staff_user.pk
    response = staff_client.post(url, {"title": "Nobody's", "owner": ""})
    assert response.status_code == 200 and "owner" in response.context["form"].errors
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("factory", "url_name", "kind"),
    [
        (AgreementFactory, "partners:agreement_detail", "agreement"),
        (ProjectFactory, "partners:project_detail", "project"),
        (MembershipFactory, "partners:membership_detail", "membership"),
    ],
)
def test_detail_pages_show_the_records_open_tasks(staff_client, factory, url_name, kind):
    record = factory()
    TaskFactory(record=record, title="Open here", due_on=days(-1))
    TaskFactory(record=record, title="Finished here", state=Task.State.DONE)
    TaskFactory(record=PartnershipFactory(), title="Elsewhere")
    body = staff_client.get(reverse(url_name, args=[record.pk])).content.decode()
    assert 'id="panel-tasks"' in body
    assert "Open here" in body and "Finished here" not in body and "Elsewhere" not in body
    assert f"kind={kind}&amp;object_id={record.pk}" in body  # "Add task"


def test_the_mayors_office_sees_the_tasks_but_no_add_link(mayor_client):
    agreement = AgreementFactory()
    TaskFactory(record=agreement, title="Sign it")
    body = mayor_client.get(reverse("partners:agreement_detail", args=[agreement.pk])).content
    assert "Sign it" in body.decode() and "Add task" not in body.decode()


# --- 5. The dashboard links its tasks -----------------------------------------------------------


def test_the_dashboard_links_each_task_and_the_heading(staff_client, staff_user):
    partnership = PartnershipFactory()
    linked = TaskFactory(owner=staff_user, title="Linked", due_on=TODAY, record=partnership)
    loose = TaskFactory(owner=staff_user, title="Loose", due_on=days(-1))
    body = staff_client.get(reverse("dashboard")).content.decode()
    assert f'<a href="{partnership.get_absolute_url()}">Linked</a>' in body
    assert f'href="{reverse("partners:task_update", args=[loose.pk])}">Loose</a>' in body
    assert f'<a href="{reverse("partners:task_list")}">My tasks' in body
    assert linked.pk


def test_the_dashboard_panel_costs_the_same_for_more_tasks(staff_client, staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            TaskFactory(owner=staff_user, due_on=TODAY, record=PartnershipFactory())
            TaskFactory(owner=staff_user, due_on=TODAY, record=AgreementFactory())

    def dashboard_queries():
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(reverse("dashboard"))
        return [q["sql"] for q in captured.captured_queries]

    add(1)
    dashboard_queries()
    few = dashboard_queries()
    add(3)  # still under the panel's limit (past it, a count query is added once)
    many = dashboard_queries()
    extra = [q for q in many if q not in few]
    assert len(many) == len(few), extra


# --- 6. The owner may tick off their own task ---------------------------------------------------


def test_the_mayors_office_may_mark_its_own_task_done(mayor_client, mayor_user):
    task = TaskFactory(owner=mayor_user, title="Read the briefing")
    body = mayor_client.get(reverse("partners:task_list")).content.decode()
    assert reverse("partners:task_mark_done", args=[task.pk]) in body
    assert mayor_client.post(reverse("partners:task_mark_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.completed_by == mayor_user
    assert mayor_client.post(reverse("partners:task_reopen", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.state == Task.State.OPEN


def test_the_mayors_office_may_not_mark_others_tasks_done(mayor_client, staff_user):
    task = TaskFactory(owner=staff_user)
    assert mayor_client.post(reverse("partners:task_mark_done", args=[task.pk])).status_code == 403
    url = reverse("partners:task_update", args=[task.pk])
    assert mayor_client.post(url).status_code == 403
    task.refresh_from_db()
    assert task.state == Task.State.OPEN
