"""Emails: to the mayor's office on submission, to the owner on a decision, a reminder to
everyone on the visit a week ahead — only after commit, to the right people, never twice."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from cityrelations.core.models import AccountSettings
from cityrelations.core.roles import MAYORS_OFFICE
from delegations import tasks
from delegations.models import Visit
from delegations.notifications import send_visit_reminders
from delegations.workflow import visit_review, visit_submit
from tests.delegations.factories import ParticipantFactory, VisitFactory
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Visit.Status


@pytest.fixture
def mayors_office(mayor_user):
    colleague = UserFactory(username="chief-of-staff", email="chief@city.example")
    colleague.groups.add(Group.objects.get(name=MAYORS_OFFICE))
    no_email = UserFactory(username="no-mail", email="")
    no_email.groups.add(Group.objects.get(name=MAYORS_OFFICE))
    return {mayor_user.email, colleague.email}


def test_submission_emails_the_mayors_office_after_commit(
    staff_user, mayors_office, django_capture_on_commit_callbacks
):
    visit = VisitFactory(title="Vienna mobility visit", owner=staff_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit_submit(visit=visit, by=staff_user)
        assert mail.outbox == []  # nothing before commit
    assert len(callbacks) == 1
    assert {m.to[0] for m in mail.outbox} == mayors_office
    message = mail.outbox[0]
    assert "Vienna mobility visit" in message.subject
    assert f"/delegations/visits/{visit.pk}/" in message.body
    assert message.alternatives and "Vienna mobility visit" in message.alternatives[0][0]


def test_a_rolled_back_submission_sends_nothing(
    staff_user, mayors_office, django_capture_on_commit_callbacks
):
    from django.db import transaction

    visit = VisitFactory(owner=staff_user)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        visit_submit(visit=visit, by=staff_user)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert mail.outbox == []
    visit.refresh_from_db()
    assert visit.status == S.DRAFT


def test_decision_emails_only_the_owner(
    staff_user, mayor_user, mayors_office, django_capture_on_commit_callbacks
):
    owner = UserFactory(username="owner", email="owner@city.example")
    visit = VisitFactory(status=S.SUBMITTED, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=visit, by=mayor_user, decision="request_changes", comment="Add a day")
    assert [m.to for m in mail.outbox] == [["owner@city.example"]]
    assert "Changes requested" in mail.outbox[0].subject
    assert "Add a day" in mail.outbox[0].body


def test_no_decision_email_for_an_owner_without_address(
    mayor_user, django_capture_on_commit_callbacks
):
    visit = VisitFactory(status=S.SUBMITTED, owner=UserFactory(username="quiet", email=""))
    with django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=visit, by=mayor_user, decision="approve")
    assert mail.outbox == []


def test_reminder_goes_to_everyone_on_the_visit_once(staff_user):
    today = timezone.localdate()
    owner = UserFactory(username="owner", email="owner@city.example")
    visit = VisitFactory(status=S.CONFIRMED, owner=owner, start_date=today + dt.timedelta(days=7))
    ParticipantFactory(visit=visit, contact=ContactFactory(email="guest@partner.example"))
    ParticipantFactory(visit=visit, contact=ContactFactory(email=""))
    ParticipantFactory(visit=visit, contact=None, user=staff_user)
    # Not reminded: too far ahead, a draft, already reminded.
    VisitFactory(status=S.CONFIRMED, start_date=today + dt.timedelta(days=8))
    VisitFactory(status=S.DRAFT, start_date=today + dt.timedelta(days=3))
    VisitFactory(
        status=S.APPROVED, start_date=today + dt.timedelta(days=3), reminder_sent_at=timezone.now()
    )

    assert tasks.send_visit_reminders.delay().get() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["owner@city.example", "guest@partner.example", staff_user.email]
    )
    visit.refresh_from_db()
    assert visit.reminder_sent_at is not None
    mail.outbox.clear()
    assert send_visit_reminders() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("staff_on_the_visit", [1, 4])
def test_the_reminders_languages_cost_no_query_per_person(
    staff_on_the_visit, django_assert_num_queries
):
    """The owner's and each participant's language come with them: the same queries for one
    participant or four (the ids, the claim, the visit, its cities, its participants)."""
    owner = UserFactory(username="owner", email="owner@city.example")
    AccountSettings.objects.create(user=owner, language="hu")
    visit = VisitFactory(
        status=S.CONFIRMED, owner=owner, start_date=timezone.localdate() + dt.timedelta(days=3)
    )
    for n in range(staff_on_the_visit):
        user = UserFactory(username=f"colleague{n}", email=f"colleague{n}@city.example")
        AccountSettings.objects.create(user=user, language=("en", "hu")[n % 2])
        ParticipantFactory(visit=visit, contact=None, user=user)
    with django_assert_num_queries(5):
        assert send_visit_reminders() == 1 + staff_on_the_visit
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["owner@city.example"].startswith("Emlékeztető")
    assert subjects["colleague0@city.example"].startswith("Reminder")


def test_the_decision_reads_the_owners_language_with_the_transition(
    mayor_user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    owner = UserFactory(username="owner", email="owner@city.example")
    AccountSettings.objects.create(user=owner, language="hu")
    visit = VisitFactory(status=S.SUBMITTED, owner=owner)
    with django_capture_on_commit_callbacks() as callbacks:
        visit_review(visit=visit, by=mayor_user, decision="approve", comment="")
    with django_assert_num_queries(1):
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["owner@city.example"]]


def test_the_data_migration_schedules_the_daily_reminder():
    # Called directly: a transactional test elsewhere in the session may have flushed the table.
    from django.apps import apps

    migration = import_module("delegations.migrations.0002_visit_reminder_schedule")
    PeriodicTask.objects.filter(name=migration.REMINDER_NAME).delete()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    task = PeriodicTask.objects.get(task="delegations.tasks.send_visit_reminders")
    assert task.enabled and task.crontab.hour == "8" and task.crontab.day_of_week == "*"


@pytest.mark.django_db(transaction=True)
def test_emails_leave_after_a_real_commit(staff_user, mayor_user):
    """Without the test-case transaction: the on_commit hook fires on the real COMMIT."""
    visit = VisitFactory(owner=staff_user)
    visit_submit(visit=visit, by=staff_user)
    assert [m.to for m in mail.outbox] == [[mayor_user.email]]
    visit_review(visit=visit, by=mayor_user, decision="approve", comment="Go")
    assert [m.to for m in mail.outbox][1:] == [[staff_user.email]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "action", "persona", "task", "after"),
    [
        (S.DRAFT, "submit", "staff_client", "notify_visit_submitted", S.SUBMITTED),
        (S.SUBMITTED, "approve", "mayor_client", "notify_visit_decided", S.APPROVED),
    ],
)
def test_a_broker_outage_is_logged_and_the_step_stands(
    request, staff_user, caplog, status, action, persona, task, after
):
    """The step is committed before its email is enqueued: a broker that is down then must not
    turn the committed step into an error page (a real COMMIT, inside the request)."""
    visit = VisitFactory(status=status, owner=staff_user)
    client = request.getfixturevalue(persona)
    outage = ConnectionError("broker down")
    with mock.patch.object(getattr(tasks, task), "delay", side_effect=outage) as delay:
        response = client.post(reverse("delegations:visit_transition", args=[visit.pk, action]))
    assert delay.called
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    visit.refresh_from_db()
    assert visit.status == after
    assert f"delegations.tasks.{task}" in caplog.text and "broker down" in caplog.text
    assert mail.outbox == []


# --- In the recipient's language (issue 11: one way to send an email) ----------------------------


def test_the_decision_is_in_the_owners_language_not_the_reviewers(
    mayor_user, settings, django_capture_on_commit_callbacks
):
    owner = UserFactory(username="owner", email="owner@city.example")
    first = VisitFactory(title="Vienna", status=S.SUBMITTED, owner=owner)
    with translation.override("hu"), django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=first, by=mayor_user, decision="approve")
    settings.STAFF_LANGUAGE = "hu"  # staff who have not chosen a language
    second = VisitFactory(title="Graz", status=S.SUBMITTED, owner=owner)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        visit_review(visit=second, by=mayor_user, decision="approve")
    assert [m.subject for m in mail.outbox] == ["Approved: Vienna", "Jóváhagyva: Graz"]


def test_each_person_on_the_visit_is_reminded_in_their_language(staff_user):
    start = timezone.localdate() + dt.timedelta(days=3)
    visit = VisitFactory(title="Graz", status=S.CONFIRMED, owner=staff_user, start_date=start)
    ParticipantFactory(
        visit=visit, contact=ContactFactory(email="hu@partner.example", languages="hu, en")
    )
    ParticipantFactory(
        visit=visit, contact=ContactFactory(email="de@partner.example", languages="de")
    )
    with translation.override("hu"):  # whatever the worker's language
        assert send_visit_reminders() == 3
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["hu@partner.example"].startswith("Emlékeztető: Graz")
    assert subjects["de@partner.example"].startswith("Reminder: Graz starts on")
    assert subjects[staff_user.email].startswith("Reminder: Graz starts on")


def test_each_reviewer_reads_the_submission_in_the_language_of_their_account(
    staff_user, settings, django_capture_on_commit_callbacks
):
    """Issue 12: the language chosen in the user menu; the unit's for those who chose none."""
    settings.STAFF_LANGUAGE = "en"
    office = Group.objects.get(name=MAYORS_OFFICE)
    for username, language in (("anna", "hu"), ("ben", "en"), ("cecil", "")):
        user = UserFactory(username=username, email=f"{username}@city.example")
        user.groups.add(office)
        AccountSettings.objects.create(user=user, language=language)
    visit = VisitFactory(title="Graz", owner=staff_user)
    with translation.override("hu"), django_capture_on_commit_callbacks(execute=True):
        visit_submit(visit=visit, by=staff_user)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "anna@city.example": "Jóváhagyására váró látogatás: Graz",
        "ben@city.example": "Visit awaiting your review: Graz",
        "cecil@city.example": "Visit awaiting your review: Graz",
    }
    [hungarian] = [m for m in mail.outbox if m.to == ["anna@city.example"]]
    assert "jóváhagyásra benyújtották" in hungarian.body
