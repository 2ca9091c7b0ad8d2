"""The daily reminder digest: who gets what, and nobody gets an empty one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from cityrelations.core.models import AccountSettings
from partners.reminders import reminder_digests_collect, reminder_digests_send
from partners.tasks import send_reminder_digests
from tests.factories import AgreementFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def coordinators():
    anna = UserFactory(username="anna", first_name="Anna", email="anna@city.example")
    bela = UserFactory(username="bela", first_name="Béla", email="bela@city.example")
    idle = UserFactory(username="idle", email="idle@city.example")
    gone = UserFactory(username="gone", email="gone@city.example", is_active=False)

    AgreementFactory(title="Vienna charter", coordinator=anna, valid_until=days(30))
    AgreementFactory(
        title="Tokyo MoU", coordinator=anna, valid_until=days(200), renewal_notice_days=250
    )
    AgreementFactory(title="Seoul MoU", coordinator=anna, valid_until=days(200))  # notice not yet
    AgreementFactory(title="Old letter", coordinator=anna, valid_until=days(-1))  # expired
    AgreementFactory(title="Draft MoU", coordinator=anna, valid_until=days(10), status="draft")
    MembershipFactory(organization__name="Alpha Net", coordinator=bela, fee_due_on=days(10))
    MembershipFactory(
        organization__name="Beta Net",
        coordinator=bela,
        fee_due_on=days(-5),
        next_report_due_on=days(29),
    )
    MembershipFactory(organization__name="Gamma Net", coordinator=bela, next_report_due_on=days(40))
    MembershipFactory(organization__name="Delta Net", coordinator=idle, fee_due_on=days(120))
    AgreementFactory(title="Lisbon MoU", coordinator=idle, valid_until=days(365))
    MembershipFactory(organization__name="Epsilon Net", coordinator=gone, fee_due_on=days(3))
    AgreementFactory(title="Nobody's MoU", valid_until=days(5))
    return anna, bela, idle


def test_collect_groups_by_coordinator(coordinators, django_assert_num_queries):
    with django_assert_num_queries(3):
        digests = {d.user.username: d for d in reminder_digests_collect()}
    assert set(digests) == {"anna", "bela"}
    assert [a.title for a in digests["anna"].agreements] == ["Vienna charter", "Tokyo MoU"]
    assert not digests["anna"].fees and not digests["anna"].reports
    assert [str(m) for m in digests["bela"].fees] == ["Beta Net", "Alpha Net"]
    assert [str(m) for m in digests["bela"].reports] == ["Beta Net"]


def test_task_sends_one_email_per_coordinator(coordinators):
    assert send_reminder_digests.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@city.example", "bela@city.example"]
    anna_mail = next(m for m in mail.outbox if m.to == ["anna@city.example"])
    assert "Vienna charter" in anna_mail.body and "Tokyo MoU" in anna_mail.body
    assert "Seoul MoU" not in anna_mail.body and "Alpha Net" not in anna_mail.body
    assert "http://" in anna_mail.body
    html, mimetype = anna_mail.alternatives[0]
    assert mimetype == "text/html" and "Vienna charter" in html
    bela_mail = next(m for m in mail.outbox if m.to == ["bela@city.example"])
    assert "overdue" in bela_mail.body
    assert "Gamma Net" not in bela_mail.body and "Delta Net" not in bela_mail.body
    assert "\n" not in bela_mail.subject


def test_nothing_due_sends_nothing():
    idle = UserFactory(username="idle2")
    MembershipFactory(coordinator=idle, fee_due_on=days(31))
    AgreementFactory(coordinator=idle, valid_until=days(91))
    assert send_reminder_digests.delay().get() == 0
    assert mail.outbox == []


def test_daily_schedule_is_installed():
    task = PeriodicTask.objects.get(task="partners.tasks.send_reminder_digests")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "7", "*")
    assert str(task.crontab.timezone) == "Europe/Budapest"


def test_the_digest_is_in_the_coordinators_language(coordinators, settings):
    with translation.override("hu"):  # whatever the worker's language
        send_reminder_digests.delay().get()
    assert all(": your reminders for " in m.subject for m in mail.outbox)
    mail.outbox.clear()
    settings.STAFF_LANGUAGE = "hu"  # staff who have not chosen a language
    send_reminder_digests.delay().get()
    assert all(": emlékeztetők – " in m.subject for m in mail.outbox)
    assert len(mail.outbox) == 2


def test_each_coordinator_reads_the_digest_in_the_language_of_their_account(coordinators):
    """Issue 12: Anna chose Hungarian in the user menu; Béla did not (STAFF_LANGUAGE: en)."""
    anna, _bela, _idle = coordinators
    AccountSettings.objects.create(user=anna, language="hu")
    send_reminder_digests.delay().get()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert ": emlékeztetők – " in subjects["anna@city.example"]
    assert ": your reminders for " in subjects["bela@city.example"]


@pytest.mark.parametrize("coordinators_due", [1, 4])
def test_the_recipients_languages_cost_no_query_each(coordinators_due, django_assert_num_queries):
    """Collecting (three queries) and sending: the same count for one coordinator or four, each
    with a language of their own."""
    for n in range(coordinators_due):
        user = UserFactory(username=f"coordinator{n}", email=f"c{n}@city.example")
        AccountSettings.objects.create(user=user, language=("hu", "en")[n % 2])
        AgreementFactory(coordinator=user, valid_until=days(30))
        MembershipFactory(coordinator=user, fee_due_on=days(10), next_report_due_on=days(20))
    with django_assert_num_queries(3):
        assert reminder_digests_send() == coordinators_due
    assert {m.to[0] for m in mail.outbox} == {f"c{n}@city.example" for n in range(coordinators_due)}
