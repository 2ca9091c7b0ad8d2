"""The daily reminder digest: who gets what, and nobody gets an empty one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from cityrelations.core.models import AccountSettings
from partners.models import ReminderDigestRun, Task
from partners.reminders import reminder_digests_collect, reminder_digests_send
from partners.tasks import send_reminder_digests
from tests.factories import AgreementFactory, MembershipFactory, TaskFactory, UserFactory

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
    with django_assert_num_queries(4):  # agreements, fees, reports, tasks
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
    ReminderDigestRun.objects.all().delete()  # the day was taken: let it run again
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
    """Collecting (four queries), taking the day (a savepoint and an insert) and sending: the same
    count for one coordinator or four, each with a language of their own."""
    for n in range(coordinators_due):
        user = UserFactory(username=f"coordinator{n}", email=f"c{n}@city.example")
        AccountSettings.objects.create(user=user, language=("hu", "en")[n % 2])
        AgreementFactory(coordinator=user, valid_until=days(30))
        MembershipFactory(coordinator=user, fee_due_on=days(10), next_report_due_on=days(20))
    with django_assert_num_queries(7):
        assert reminder_digests_send() == coordinators_due
    assert {m.to[0] for m in mail.outbox} == {f"c{n}@city.example" for n in range(coordinators_due)}


# --- Tasks in the digest -------------------------------------------------------------------------


@pytest.fixture
def task_owners():
    """Dora owns tasks overdue, due today, this week, next week, done and undated; Ede owns one
    due next month only."""
    dora = UserFactory(username="dora", first_name="Dóra", email="dora@city.example")
    ede = UserFactory(username="ede", email="ede@city.example")
    today = timezone.localdate()
    end_of_week = today + dt.timedelta(days=6 - today.weekday())
    membership = MembershipFactory(organization__name="Alpha Cities Net")
    TaskFactory(owner=dora, title="Call Vienna back", due_on=days(-3), record=membership)
    TaskFactory(owner=dora, title="Send the minutes", due_on=today)
    TaskFactory(owner=dora, title="Book the hall", due_on=end_of_week)
    TaskFactory(owner=dora, title="Next week's thing", due_on=end_of_week + dt.timedelta(days=1))
    TaskFactory(owner=dora, title="Already done", due_on=days(-1), state=Task.State.DONE)
    TaskFactory(owner=dora, title="Someday", due_on=None)
    TaskFactory(owner=ede, title="Far away", due_on=days(40))
    TaskFactory(owner=None, title="Nobody's", due_on=days(-1))
    return dora, ede


def test_the_digest_lists_each_owners_tasks_overdue_and_due_this_week(task_owners):
    assert send_reminder_digests.delay().get() == 1
    (message,) = mail.outbox
    assert message.to == ["dora@city.example"]
    for title in ("Call Vienna back", "Send the minutes", "Book the hall"):
        assert title in message.body
    for title in ("Next week's thing", "Already done", "Someday", "Nobody's"):
        assert title not in message.body
    assert "Call Vienna back (Alpha Cities Net): overdue since" in message.body
    assert reverse("partners:task_list") in message.body
    html, _mimetype = message.alternatives[0]
    assert "Book the hall" in html and "overdue since" in html


def test_the_digest_goes_out_once_a_day(task_owners):
    assert reminder_digests_send() == 1
    assert reminder_digests_send() == 0  # a retried beat, a second beat: nothing more today
    assert len(mail.outbox) == 1
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert reminder_digests_send(today=tomorrow) == 1
    assert len(mail.outbox) == 2


def test_a_failed_sending_frees_the_day_for_the_retry(task_owners, settings):
    settings.EMAIL_BACKEND = "tests.partners.test_reminders.FailingBackend"
    with pytest.raises(ConnectionError):
        reminder_digests_send()
    assert not ReminderDigestRun.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminder_digests_send() == 1


def test_the_tasks_digest_is_in_the_owners_language(task_owners):
    dora, _ede = task_owners
    AccountSettings.objects.create(user=dora, language="hu")
    send_reminder_digests.delay().get()
    (message,) = mail.outbox
    with translation.override("hu"):
        assert (
            translation.gettext("Your tasks overdue or due this week") in message.alternatives[0][0]
        )
    assert ": emlékeztetők – " in message.subject


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("the mail server is down")
