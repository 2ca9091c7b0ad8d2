"""The post-visit report: outcomes, follow-up tasks (added from the visit, marked done in place
and back to the report without JavaScript), "mark report complete", publication of completed
visits, and the roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from delegations.models import Gift, Visit
from partners.models import Task
from tests.editing import with_version

from .factories import VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit():
    return VisitFactory(
        owner=None,
        title="Warsaw study visit",
        status=Visit.Status.COMPLETED,
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 5),
    )


@pytest.fixture
def follow_up(visit):
    return Task.objects.create(record=visit, title="Send the tram study")


# --- The section on the visit page ----------------------------------------------------------


def test_visit_page_shows_the_report_section(staff_client, visit, follow_up):
    visit.outcomes = "Agreed to exchange tram engineers."
    visit.save()
    Gift.objects.create(
        visit=visit,
        direction="given",
        description="Rubik's cube",
        counterpart="Mayor of Warsaw",
        date=visit.start_date,
    )
    body = staff_client.get(visit.get_absolute_url()).content.decode()
    assert 'id="report"' in body
    assert "Agreed to exchange tram engineers." in body
    assert "Send the tram study" in body
    assert "Rubik&#x27;s cube" in body
    assert reverse("delegations:briefing_book", args=[visit.pk]) in body
    assert reverse("delegations:report_update", args=[visit.pk]) in body
    assert reverse("partners:task_mark_done", args=[follow_up.pk]) in body
    assert reverse("partners:task_create") + f"?kind=visit&amp;object_id={visit.pk}" in body
    assert reverse("delegations:visit_publish", args=[visit.pk]) in body


def test_mayor_sees_the_report_without_edit_buttons(mayor_client, visit, follow_up):
    body = mayor_client.get(visit.get_absolute_url()).content.decode()
    assert "Send the tram study" in body
    assert reverse("delegations:briefing_book", args=[visit.pk]) in body
    assert reverse("delegations:report_update", args=[visit.pk]) not in body
    assert reverse("partners:task_mark_done", args=[follow_up.pk]) not in body
    assert reverse("partners:task_create") not in body
    assert reverse("delegations:visit_publish", args=[visit.pk]) not in body


def test_report_section_queries_do_not_grow(staff_client, visit, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Task.objects.create(record=visit, title="One", owner=None)
    url = visit.get_absolute_url()
    staff_client.get(url)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    from tests.factories import UserFactory

    owner = UserFactory(username="owner-of-follow-ups")
    for i in range(10):
        Task.objects.create(record=visit, title=f"Task {i}", owner=owner)
        Gift.objects.create(
            visit=visit,
            direction="received",
            description=f"Gift {i}",
            counterpart="X",
            date=visit.start_date,
        )
    with django_assert_num_queries(len(one)):
        staff_client.get(url)


# --- Outcomes and completion ---------------------------------------------------------------------


def test_staff_saves_outcomes_and_marks_the_report_complete(staff_client, visit):
    url = reverse("delegations:report_update", args=[visit.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, with_version({"outcomes": "A joint tram study."}, visit))
    assert response.status_code == 302
    assert response["Location"].endswith("#report")
    visit.refresh_from_db()
    assert visit.outcomes == "A joint tram study."
    assert visit.report_completed_at is None

    staff_client.post(
        url, with_version({"outcomes": "A joint tram study.", "complete": "1"}, visit)
    )
    visit.refresh_from_db()
    assert visit.report_completed_at is not None

    staff_client.post(url, with_version({"outcomes": "A joint tram study.", "reopen": "1"}, visit))
    visit.refresh_from_db()
    assert visit.report_completed_at is None


def test_an_empty_report_cannot_be_marked_complete(staff_client, visit):
    url = reverse("delegations:report_update", args=[visit.pk])
    response = staff_client.post(url, with_version({"outcomes": "  ", "complete": "1"}, visit))
    assert response.status_code == 200
    assert "outcomes" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.report_completed_at is None


def test_mayor_cannot_edit_the_report(mayor_client, visit):
    url = reverse("delegations:report_update", args=[visit.pk])
    assert mayor_client.get(url).status_code == 403
    assert mayor_client.post(url, {"outcomes": "x", "complete": "1"}).status_code == 403
    visit.refresh_from_db()
    assert visit.outcomes == "" and visit.report_completed_at is None


def test_anonymous_goes_to_login(anonymous_client, visit, follow_up):
    for url in (
        reverse("delegations:report_update", args=[visit.pk]),
        reverse("partners:task_create") + f"?kind=visit&object_id={visit.pk}",
        reverse("partners:task_mark_done", args=[follow_up.pk]),
        reverse("delegations:visit_publish", args=[visit.pk]),
    ):
        response = anonymous_client.post(url, {})
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_missing_objects_are_404(staff_client):
    assert staff_client.get(reverse("delegations:report_update", args=[99999])).status_code == 404
    assert staff_client.post(reverse("partners:task_mark_done", args=[99999])).status_code == 404
    assert (
        staff_client.get(
            reverse("partners:task_create") + "?kind=visit&object_id=99999"
        ).status_code
        == 404
    )


# --- Follow-up tasks ------------------------------------------------------------------------------


def test_staff_adds_a_follow_up_task_from_the_visit(staff_client, staff_user, visit):
    create_url = reverse("partners:task_create") + f"?kind=visit&object_id={visit.pk}"
    page = staff_client.get(create_url)
    assert page.status_code == 200 and "Warsaw study visit" in page.content.decode()
    response = staff_client.post(
        create_url + "&next=" + visit.get_absolute_url() + "%23report",
        {"title": "Invite their chief engineer", "owner": staff_user.pk, "due_on": "2025-04-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url() + "#report"
    task = Task.objects.for_record(visit).get()
    assert task.owner == staff_user and task.due_on == dt.date(2025, 4, 1)
    assert task.created_by == staff_user and task.record == visit
    assert (
        "Invite their chief engineer" in staff_client.get(visit.get_absolute_url()).content.decode()
    )


def test_a_task_needs_a_title(staff_client, visit):
    url = reverse("partners:task_create") + f"?kind=visit&object_id={visit.pk}"
    response = staff_client.post(url, {"title": ""})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Task.objects.exists()


def test_marking_done_without_javascript_goes_back_to_the_report(staff_client, follow_up):
    visit = follow_up.record
    back = visit.get_absolute_url() + "#report"
    url = reverse("partners:task_mark_done", args=[follow_up.pk])
    response = staff_client.post(url, {"next": back, "row": "record"})
    assert response.status_code == 302 and response["Location"] == back
    follow_up.refresh_from_db()
    assert follow_up.state == Task.State.DONE and follow_up.completed_at is not None
    staff_client.post(reverse("partners:task_reopen", args=[follow_up.pk]), {"next": back})
    follow_up.refresh_from_db()
    assert follow_up.state == Task.State.OPEN and follow_up.completed_at is None


def test_marking_done_with_htmx_returns_the_row(staff_client, follow_up):
    url = reverse("partners:task_mark_done", args=[follow_up.pk])
    response = staff_client.post(url, {"row": "record"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="task-{follow_up.pk}"')
    assert "<s>Send the tram study</s>" in body
    assert "Reopen" in body
    assert follow_up.record.get_absolute_url() not in body  # on the visit's page: no link to it


def test_deleting_a_visit_deletes_its_tasks(visit, follow_up):
    other = Task.objects.create(title="Unlinked")
    visit.delete()
    assert list(Task.objects.all()) == [other]


def test_mayor_cannot_touch_follow_up_tasks(mayor_client, visit, follow_up):
    url = reverse("partners:task_create") + f"?kind=visit&object_id={visit.pk}"
    assert mayor_client.post(url, {"title": "x"}).status_code == 403
    for name in ("task_update", "task_delete", "task_mark_done"):
        url = reverse(f"partners:{name}", args=[follow_up.pk])
        assert mayor_client.post(url, {"title": "changed"}).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.title == "Send the tram study" and follow_up.state == Task.State.OPEN
    assert Task.objects.count() == 1


# --- Publication -------------------------------------------------------------------------------


def test_a_completed_visit_is_published_with_a_summary(staff_client, visit):
    url = reverse("delegations:visit_publish", args=[visit.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        with_version(
            {"is_public": "on", "public_summary": "Budapest and Warsaw will share tram know-how."},
            visit,
        ),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.is_public
    today = visit.end_date
    assert visit in Visit.objects.public_completed_between(today, today)

    staff_client.post(url, with_version({"public_summary": visit.public_summary}, visit))
    visit.refresh_from_db()
    assert not visit.is_public


def test_publishing_needs_a_public_summary(staff_client, visit):
    response = staff_client.post(
        reverse("delegations:visit_publish", args=[visit.pk]),
        {"is_public": "on", "public_summary": ""},
    )
    assert response.status_code == 200
    assert "public_summary" in response.context["form"].errors
    visit.refresh_from_db()
    assert not visit.is_public


@pytest.mark.parametrize(
    "status",
    [s for s in Visit.Status.values if s != Visit.Status.COMPLETED],
)
def test_only_a_completed_visit_can_be_published(staff_client, visit, status):
    Visit.objects.filter(pk=visit.pk).update(status=status)
    url = reverse("delegations:visit_publish", args=[visit.pk])
    response = staff_client.post(url, {"is_public": "on", "public_summary": "Summary"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("Only a completed visit can be made public" in m for m in messages)
    visit.refresh_from_db()
    assert not visit.is_public


def test_publish_service_rechecks_the_status(visit):
    from django.core.exceptions import ValidationError

    from delegations.report import visit_publish

    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.CANCELLED)
    with pytest.raises(ValidationError):
        visit_publish(visit=visit, is_public=True, public_summary="Summary")
    visit.refresh_from_db()
    assert not visit.is_public


def test_mayor_cannot_publish(mayor_client, visit):
    url = reverse("delegations:visit_publish", args=[visit.pk])
    assert mayor_client.post(url, {"is_public": "on", "public_summary": "x"}).status_code == 403
    visit.refresh_from_db()
    assert not visit.is_public
