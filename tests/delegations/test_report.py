"""The post-visit report: outcomes, follow-ups (with the htmx toggle and its no-JS fallback),
"mark report complete", publication of completed visits, and the roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from delegations.models import FollowUp, Gift, Visit
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
    return FollowUp.objects.create(visit=visit, description="Send the tram study")


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
    assert reverse("delegations:followup_toggle", args=[follow_up.pk]) in body
    assert reverse("delegations:visit_publish", args=[visit.pk]) in body


def test_mayor_sees_the_report_without_edit_buttons(mayor_client, visit, follow_up):
    body = mayor_client.get(visit.get_absolute_url()).content.decode()
    assert "Send the tram study" in body
    assert reverse("delegations:briefing_book", args=[visit.pk]) in body
    assert reverse("delegations:report_update", args=[visit.pk]) not in body
    assert reverse("delegations:followup_toggle", args=[follow_up.pk]) not in body
    assert reverse("delegations:followup_create", args=[visit.pk]) not in body
    assert reverse("delegations:visit_publish", args=[visit.pk]) not in body


def test_report_section_queries_do_not_grow(staff_client, visit, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    FollowUp.objects.create(visit=visit, description="One", owner=None)
    url = visit.get_absolute_url()
    staff_client.get(url)
    with CaptureQueriesContext(connection) as one:
        staff_client.get(url)
    from tests.factories import UserFactory

    owner = UserFactory(username="owner-of-follow-ups")
    for i in range(10):
        FollowUp.objects.create(visit=visit, description=f"Task {i}", owner=owner)
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
        reverse("delegations:followup_create", args=[visit.pk]),
        reverse("delegations:followup_toggle", args=[follow_up.pk]),
        reverse("delegations:visit_publish", args=[visit.pk]),
    ):
        response = anonymous_client.post(url, {})
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_missing_objects_are_404(staff_client):
    assert staff_client.get(reverse("delegations:report_update", args=[99999])).status_code == 404
    assert (
        staff_client.post(reverse("delegations:followup_toggle", args=[99999])).status_code == 404
    )
    assert staff_client.get(reverse("delegations:followup_update", args=[99999])).status_code == 404


# --- Follow-ups ----------------------------------------------------------------------------------


def test_staff_adds_edits_and_deletes_a_follow_up(staff_client, staff_user, visit):
    create_url = reverse("delegations:followup_create", args=[visit.pk])
    assert staff_client.get(create_url).status_code == 200
    response = staff_client.post(
        create_url,
        {
            "description": "Invite their chief engineer",
            "owner": staff_user.pk,
            "due_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(visit=visit)
    assert follow_up.owner == staff_user and follow_up.due_on == dt.date(2025, 4, 1)

    update_url = reverse("delegations:followup_update", args=[follow_up.pk])
    data = {"description": "Invite their chief engineer", "done": "on"}
    staff_client.post(update_url, with_version(data, follow_up))
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.done_at is not None
    assert follow_up.owner is None

    delete_url = reverse("delegations:followup_delete", args=[follow_up.pk])
    assert staff_client.get(delete_url).status_code == 200
    assert FollowUp.objects.filter(pk=follow_up.pk).exists()
    assert staff_client.post(delete_url).status_code == 302
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()


def test_a_follow_up_needs_a_description(staff_client, visit):
    response = staff_client.post(
        reverse("delegations:followup_create", args=[visit.pk]), {"description": ""}
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not FollowUp.objects.exists()


def test_toggle_without_javascript_redirects_back(staff_client, follow_up):
    url = reverse("delegations:followup_toggle", args=[follow_up.pk])
    response = staff_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == follow_up.visit.get_absolute_url() + "#report"
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.done_at is not None
    staff_client.post(url)
    follow_up.refresh_from_db()
    assert not follow_up.done and follow_up.done_at is None


def test_toggle_with_htmx_returns_the_row(staff_client, follow_up):
    url = reverse("delegations:followup_toggle", args=[follow_up.pk])
    response = staff_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="followup-{follow_up.pk}"')
    assert "<s>Send the tram study</s>" in body
    assert "Reopen" in body


def test_toggle_is_post_only(staff_client, follow_up):
    url = reverse("delegations:followup_toggle", args=[follow_up.pk])
    assert staff_client.get(url).status_code == 405


def test_mayor_cannot_touch_follow_ups(mayor_client, visit, follow_up):
    assert (
        mayor_client.post(
            reverse("delegations:followup_create", args=[visit.pk]), {"description": "x"}
        ).status_code
        == 403
    )
    for name in ("followup_update", "followup_delete", "followup_toggle"):
        url = reverse(f"delegations:{name}", args=[follow_up.pk])
        assert mayor_client.post(url, {"description": "changed"}).status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.description == "Send the tram study" and not follow_up.done
    assert FollowUp.objects.count() == 1


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
