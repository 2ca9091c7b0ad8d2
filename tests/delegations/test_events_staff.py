"""Hosted events, the staff's pages: list, detail, create/edit with sessions, the workflow, the
mayor's office's review, and who sees the registrants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations.models import Event, EventSession
from tests.delegations.factories import EventFactory, EventSessionFactory, RegistrationFactory
from tests.editing import with_version

pytestmark = pytest.mark.django_db


def _form(**changes):
    start = timezone.localtime() + dt.timedelta(days=40)
    data = {
        "kind": "academy_course",
        "title_en": "Academy of City Diplomacy: spring course",
        "title_hu": "Városdiplomáciai Akadémia: tavaszi kurzus",
        "description_en": "Six modules.",
        "description_hu": "Hat modul.",
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": (start + dt.timedelta(days=2)).strftime("%Y-%m-%dT17:00"),
        "venue": "City Hall",
        "capacity": "25",
        "cohort": "2027 spring",
        "currency": "HUF",
    }
    data.update(changes)
    return data


def test_staff_create_an_event_as_a_draft_with_a_slug(staff_client):
    response = staff_client.post(reverse("delegations:event_create"), _form())
    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.status == "draft" and event.slug.startswith("academy-of-city-diplomacy")
    assert event.cohort == "2027 spring"


def test_the_form_refuses_an_end_before_the_start_and_a_missing_title(staff_client):
    response = staff_client.post(
        reverse("delegations:event_create"),
        _form(title_en="", title_hu="", ends_at="2020-01-01T10:00", capacity="0"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"title_en", "ends_at", "capacity"} <= set(form.errors)
    assert not Event.objects.exists()


def test_sessions_are_added_within_the_event(staff_client, staff_user):
    event = EventFactory(status="draft")
    url = reverse("delegations:event_session_create", args=[event.pk])
    start = timezone.localtime(event.starts_at)
    good = {
        "title_en": "Protocol",
        "title_hu": "Protokoll",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "room": "Room 1",
    }
    assert staff_client.post(url, good).status_code == 302
    outside = {**good, "starts_at": (start - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}
    assert staff_client.post(url, outside).status_code == 200
    assert list(EventSession.objects.values_list("title_en", flat=True)) == ["Protocol"]


def test_the_list_filters_searches_and_sorts(staff_client):
    EventFactory(title_en="Budapest Conference 2027", kind="conference")
    EventFactory(title_en="Protocol workshop", kind="workshop")
    url = reverse("delegations:event_list")
    response = staff_client.get(url, {"q": "conference", "sort": "title"})
    assert [e.title for e in response.context["events"]] == ["Budapest Conference 2027"]
    response = staff_client.get(url, {"kind": "workshop"})
    assert [e.title for e in response.context["events"]] == ["Protocol workshop"]
    assert "No event matches" in staff_client.get(url, {"q": "zzzz"}).content.decode()


def test_the_filters_empty_choice_reads_any_in_the_pages_language(staff_client):
    """Not django-filter's "---------": "Any", "Bármely" on a Hungarian page."""
    event = EventFactory()
    RegistrationFactory(event=event)
    for url in (reverse("delegations:event_list"), event.get_absolute_url()):
        page = staff_client.get(url).content.decode()
        assert ">Any</option>" in page and "---------" not in page
    hungarian = staff_client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="hu")
    assert ">Bármely</option>" in hungarian.content.decode()


def test_the_list_takes_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(5):
        event = EventFactory()
        RegistrationFactory.create_batch(2, event=event)
    staff_client.get(reverse("delegations:event_list"))  # warm caches (session, permissions)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("delegations:event_list"))
    assert len(response.context["events"]) == 5
    assert {e.confirmed_count for e in response.context["events"]} == {2}


def test_staff_see_the_registrants_the_mayors_office_only_the_counts(staff_client, mayor_client):
    event = EventFactory()
    RegistrationFactory(event=event, name="Anna Weber", email="anna@example.at")
    RegistrationFactory(event=event, status="waitlisted", waitlisted_at=timezone.now())
    url = event.get_absolute_url()
    staff_page = staff_client.get(url).content.decode()
    assert "anna@example.at" in staff_page and "Anna Weber" in staff_page
    mayor_page = mayor_client.get(url)
    assert mayor_page.status_code == 200
    text = mayor_page.content.decode()
    assert "anna@example.at" not in text and "Anna Weber" not in text
    assert dict((s, n) for s, _label, n in mayor_page.context["counts"])["waitlisted"] == 1


def test_an_event_the_mayor_attends_is_reviewed_before_it_is_published(
    staff_client, mayor_client, staff_user, mayor_user, django_capture_on_commit_callbacks
):
    event = EventFactory(status="draft", mayor_attends=True, owner=staff_user)
    step = lambda client, action, **data: client.post(  # noqa: E731
        reverse("delegations:event_step", args=[event.pk, action]), data
    )
    step(staff_client, "publish")
    event.refresh_from_db()
    assert event.status == "draft"  # refused: not approved yet
    with django_capture_on_commit_callbacks(execute=True):
        step(staff_client, "ask_review")
    assert mail.outbox[-1].to == [mayor_user.email]  # the office is told, as for visits
    assert (
        mayor_client.get(reverse("delegations:review_queue")).context["events_page"].paginator.count
        == 1
    )
    assert step(staff_client, "approve").status_code == 403  # the unit does not decide
    with django_capture_on_commit_callbacks(execute=True):
        step(mayor_client, "approve", comment="The mayor opens it.")
    assert mail.outbox[-1].to == [staff_user.email] and "opens it" in mail.outbox[-1].body
    event.refresh_from_db()
    assert event.review_status == "approved" and event.review_comment == "The mayor opens it."
    assert step(mayor_client, "publish").status_code == 403
    step(staff_client, "publish")
    event.refresh_from_db()
    assert event.status == "published"


def test_cancelling_needs_a_reason_and_tells_the_registrants(
    staff_client, django_capture_on_commit_callbacks
):
    event = EventFactory(status="published")
    confirmed = RegistrationFactory(event=event, language="hu")
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlisted_at=timezone.now())
    RegistrationFactory(event=event, status="cancelled", cancelled_at=timezone.now())
    url = reverse("delegations:event_step", args=[event.pk, "cancel"])
    staff_client.post(url, {"comment": ""})
    event.refresh_from_db()
    assert event.status == "published"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"comment": "Venue unavailable."})
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert set(event.registrations.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([confirmed.email, waiting.email])
    to_hungarian = next(m for m in mail.outbox if m.to == [confirmed.email])
    assert to_hungarian.subject.startswith("Elmarad")


def test_events_are_on_the_calendar(mayor_client):
    event = EventFactory(title_en="Reception for the consuls", kind="reception")
    month = timezone.localtime(event.starts_at).strftime("%Y-%m")
    response = mayor_client.get(reverse("delegations:calendar"), {"month": month})
    assert "Reception for the consuls" in response.content.decode()
    response = mayor_client.get(reverse("delegations:calendar"), {"month": month, "view": "list"})
    assert "Reception for the consuls" in response.content.decode()


def test_only_drafts_are_deleted(staff_client):
    published = EventFactory(status="published")
    staff_client.post(reverse("delegations:event_delete", args=[published.pk]))
    assert Event.objects.filter(pk=published.pk).exists()
    draft = EventFactory(status="draft")
    EventSessionFactory(event=draft)
    staff_client.post(reverse("delegations:event_delete", args=[draft.pk]))
    assert not Event.objects.filter(pk=draft.pk).exists()


def test_the_detail_page_takes_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    event = EventFactory()
    sessions = EventSessionFactory.create_batch(3, event=event)
    for _ in range(8):
        RegistrationFactory(event=event).sessions.set(sessions)
    staff_client.get(event.get_absolute_url())  # warm caches (session, permissions)
    with django_assert_max_num_queries(25) as captured:
        response = staff_client.get(event.get_absolute_url())
    assert len(response.context["page"].object_list) == 8
    few = len(captured.captured_queries)
    for _ in range(8):
        RegistrationFactory(event=event).sessions.set(sessions)
    with django_assert_max_num_queries(few):
        staff_client.get(event.get_absolute_url())


def test_the_admin_shows_events_and_registrations(admin_client):
    registration = RegistrationFactory()
    EventSessionFactory(event=registration.event)
    for url in (
        reverse("admin:delegations_event_changelist"),
        reverse("admin:delegations_event_change", args=[registration.event.pk]),
        reverse("admin:delegations_registration_changelist"),
        reverse("admin:delegations_registration_change", args=[registration.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("name", "params"),
    [("calendar", {}), ("calendar", {"view": "list"}), ("review_queue", {})],
)
def test_events_add_no_query_per_event(mayor_client, name, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    soon = timezone.now() + dt.timedelta(hours=1)
    query = {**params, "month": timezone.localtime(soon).strftime("%Y-%m")}

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = mayor_client.get(reverse(f"delegations:{name}"), query)
        assert "Academy of City Diplomacy course" in response.content.decode()
        return len(queries)

    EventFactory.create_batch(2, mayor_attends=True, starts_at=soon)
    few = count()
    EventFactory.create_batch(5, mayor_attends=True, review_status="pending", starts_at=soon)
    assert count() == few


def test_ticking_mayor_attends_on_a_published_event_asks_for_the_review(staff_client):
    event = EventFactory(status="published", mayor_attends=False)
    url = reverse("delegations:event_update", args=[event.pk])
    data = _form(
        title_en=event.title_en,
        starts_at=timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        mayor_attends="on",
        slug=event.slug,
    )
    response = staff_client.post(url, with_version(data, event), follow=True)
    event.refresh_from_db()
    assert event.mayor_attends and event.status == "published"
    shown = [str(m) for m in response.context["messages"]]
    assert any("ask the mayor's office to review it" in m for m in shown), shown
    page = response.content.decode()
    assert reverse("delegations:event_step", args=[event.pk, "ask_review"]) in page
    # Saving it again without a change says nothing more.
    again = staff_client.post(url, with_version(data, event), follow=True)
    assert not any("review it" in str(m) for m in again.context["messages"])
