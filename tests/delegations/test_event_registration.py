"""Public registration for hosted events: the form, double opt-in, the waitlist moving up,
change and cancel from the signed link, the reminder, the newsletter, and bad input."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations import event_emails
from delegations.models import Registration
from delegations.registrations import cancel, confirm, make_token
from newsletters.models import Subscriber
from tests.delegations.factories import EventFactory, EventSessionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _post(client, event, **changes):
    data = {
        "name": "Anna Weber",
        "email": "anna@example.at",
        "organization": "City of Vienna",
        "country": "AT",
        "dietary_needs": "vegetarian",
        "accessibility_needs": "",
        "language": "en",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return client.post(event.get_public_url(), data, REMOTE_ADDR="203.0.113.9")


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].partition("/")[2]


def _confirm_link(message) -> str:
    return _path(re.search(r"\S+/public/registration/confirm/\S+", message.body).group(0))


def _manage_link(message) -> str:
    return _path(re.search(r"\S+/public/registration/(?!confirm/)\S+", message.body).group(0))


def test_the_public_page_speaks_both_languages_and_needs_no_login(client):
    event = EventFactory(title_en="City Diplomacy Course", title_hu="Városdiplomáciai kurzus")
    EventSessionFactory(event=event, title_en="Protocol", title_hu="Protokoll")
    page = client.get(event.get_public_url()).content.decode()
    assert "City Diplomacy Course" in page and "Protocol" in page and 'name="consent"' in page
    page_hu = client.get(event.get_public_url(), {"lang": "hu"}).content.decode()
    assert "Városdiplomáciai kurzus" in page_hu and "Protokoll" in page_hu


def test_a_draft_has_no_public_page(client):
    assert client.get(EventFactory(status="draft").get_public_url()).status_code == 404


def test_register_confirm_and_get_the_ics(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    session = EventSessionFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, event, sessions=[session.pk], wants_newsletter="on")
    assert response.status_code == 302 and response.url.endswith("/registered/")
    registration = Registration.objects.get()
    assert registration.status == "pending" and list(registration.sessions.all()) == [session]
    assert registration.consent_version and registration.consent_text_shown
    assert registration.consent_ip == "203.0.113.9"
    (message,) = mail.outbox
    assert "Anna" not in message.body  # no typed-in name in the email
    confirm_url = _confirm_link(message)
    assert client.get(confirm_url).status_code == 200  # opening the link changes nothing
    assert Registration.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.confirmed_at
    confirmed = mail.outbox[1]
    (attachment,) = confirmed.attachments
    assert attachment[0] == "event.ics" and "BEGIN:VEVENT" in str(attachment[1])
    # The newsletter: a normal subscription, waiting for its own confirmation.
    subscriber = Subscriber.objects.get(email="anna@example.at")
    assert subscriber.status == "pending" and "registration" in subscriber.consent_evidence
    assert any("newsletter" in m.subject.lower() for m in mail.outbox[2:])
    # The link is single-use: confirming again is a clear page, not a second seat.
    assert client.get(confirm_url).status_code == 410


def test_the_same_email_twice_gets_the_same_answer_and_no_second_seat(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, event)
    registration = Registration.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        second = _post(client, event, email="ANNA@example.at", name="Someone Else")
    assert first.url == second.url
    assert Registration.objects.count() == 1
    assert Registration.objects.get().name == "Anna Weber"
    assert "already registered" in mail.outbox[-1].subject


def test_confirming_when_full_waitlists_and_a_cancellation_moves_the_first_up(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status="pending", confirmed_at=None)
    second = RegistrationFactory(event=event, status="pending", confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(registration=first)
        confirm(registration=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("waitlisted", "waitlisted")
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=seated)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    (moved,) = mail.outbox
    assert moved.to == [first.email] and moved.attachments


def test_the_manage_link_changes_and_cancels(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    EventSessionFactory(event=event)
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlisted_at=timezone.now())
    url = reverse("delegations:registration_manage", args=[make_token(registration, "manage")])
    response = client.post(
        url, {"action": "change", "name": "Anna W.", "dietary_needs": "vegan", "organization": ""}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.name, registration.dietary_needs) == ("Anna W.", "vegan")
    # Cancelling without ticking the box changes nothing, and says why.
    refused = client.post(url, {"action": "cancel"}, follow=True)
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert "Tick the box" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "cancel", "confirm": "yes"})
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == "cancelled" and waiting.status == "confirmed"
    assert "cancelled" in client.get(url).content.decode()


def test_a_forged_link_is_a_clear_page(client):
    url = reverse("delegations:registration_manage", args=["not-a-token"])
    assert client.get(url).status_code == 400


def test_the_honeypot_and_the_rate_limit(client, settings, django_capture_on_commit_callbacks):
    event = EventFactory()
    assert _post(client, event, website="http://spam.example").status_code == 302
    assert not Registration.objects.exists()
    settings.EVENT_REGISTRATION_LIMIT_PER_IP = 2
    _post(client, event, email="a@example.org")
    _post(client, event, email="b@example.org")
    assert _post(client, event, email="c@example.org").status_code == 429
    assert Registration.objects.count() == 2


def test_bad_input_is_a_clear_error(client):
    event = EventFactory()
    response = _post(client, event, email="not-an-address", consent="", country="XX")
    assert response.status_code == 200
    assert {"email", "consent", "country"} <= set(response.context["form"].errors)
    assert not Registration.objects.exists()


def test_a_closed_event_takes_no_registrations(client):
    event = EventFactory(status="closed")
    assert "has closed" in client.get(event.get_public_url()).content.decode()
    _post(client, event)
    assert not Registration.objects.exists()


def test_the_reminder_goes_once_the_day_before():
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    event = EventFactory(starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=3))
    registration = RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted", waitlisted_at=timezone.now())
    EventFactory()  # in a month: not yet
    assert event_emails.send_reminders() == 1
    assert event_emails.send_reminders() == 0
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
    assert mail.outbox[0].to == [registration.email]


def test_a_cancelled_registration_may_register_again(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    registration = RegistrationFactory(event=event, email="anna@example.at")
    cancel(registration=registration)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, event, name="Anna Weber")
    registration.refresh_from_db()
    assert registration.status == "pending" and registration.cancelled_at is None
    assert "confirm" in mail.outbox[-1].subject.lower()
    assert Registration.objects.count() == 1


def test_the_ics_gives_times_in_utc_whatever_zone_the_event_was_given_in():
    """A time with a named zone (TZID) would need that zone's VTIMEZONE block as well, which
    some calendar apps insist on; UTC times ("…Z") need none."""
    budapest = zoneinfo.ZoneInfo("Europe/Budapest")
    event = EventFactory.build(
        pk=7,
        slug="summer-course",
        starts_at=dt.datetime(2027, 7, 1, 9, 0, tzinfo=budapest),
        ends_at=dt.datetime(2027, 7, 1, 17, 0, tzinfo=budapest),
    )
    ics = event_emails.event_calendar(event, language="en").decode()
    assert "DTSTART:20270701T070000Z" in ics and "DTEND:20270701T150000Z" in ics
    assert "TZID" not in ics
