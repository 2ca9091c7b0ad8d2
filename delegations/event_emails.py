"""Emails to the people who register for a hosted event, in the language they chose: the
confirmation link, "you are already registered", confirmed (with the event as an ``.ics``),
waitlisted, moved up from the waitlist (with the ``.ics``), the reminder the day before, and
the event's cancellation.

No email carries the name typed into the public form: anyone may type any name with any
address, and the confirmation goes to that address before anything is trusted."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from cityrelations.core.mail import make_message

from .models import Event, Registration
from .registration_tokens import confirm_path, manage_path

ICS_NAME = "event.ics"
REMINDER_STATUSES = (Event.Status.PUBLISHED, Event.Status.CLOSED)


def event_calendar(event: Event, *, language: str) -> bytes:
    """The event (and its sessions' times in the description) as one iCalendar entry."""
    host = urlsplit(settings.SITE_URL).hostname or "cityrelations"
    with translation.override(language):
        cal = Calendar()
        cal.add("prodid", "-//City Relations//Events//EN")
        cal.add("version", "2.0")
        cal.add("method", "PUBLISH")
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@{host}")
        entry.add("dtstamp", timezone.now())
        entry.add("summary", event.title)
        # In UTC ("…Z"): a time with a named zone would need that zone's VTIMEZONE block too.
        entry.add("dtstart", event.starts_at.astimezone(dt.UTC))
        entry.add("dtend", event.ends_at.astimezone(dt.UTC))
        if event.venue:
            entry.add("location", event.venue)
        url = settings.SITE_URL + event.get_public_url()
        entry.add("description", f"{event.description}\n\n{url}".strip())
        entry.add("url", url)
        cal.add_component(entry)
        return cal.to_ical()


def _registration(registration_id: int) -> Registration | None:
    return Registration.objects.select_related("event").filter(pk=registration_id).first()


def _send(registration: Registration, name: str, *, with_ics: bool = False, **extra: object) -> int:
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_url": settings.SITE_URL + event.get_public_url(),
        "manage_url": settings.SITE_URL + manage_path(registration),
        **extra,
    }
    message = make_message(
        f"events/{name}", to=[registration.email], context=context, language=registration.language
    )
    if with_ics:
        message.attach(
            ICS_NAME,
            event_calendar(event, language=registration.language),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
    return message.send()


def send_confirm(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.PENDING:
        return 0
    confirm_url = settings.SITE_URL + confirm_path(registration)
    return _send(registration, "confirm", confirm_url=confirm_url)


def send_already(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None:
        return 0
    return _send(registration, "already_registered")


def send_confirmed(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return 0
    return _send(registration, "confirmed", with_ics=True)


def send_waitlisted(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return 0
    return _send(registration, "waitlisted", position=registration.waitlist_position)


def send_moved_up(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return 0
    return _send(registration, "moved_up", with_ics=True)


def send_event_cancelled(*, registration_id: int) -> int:
    registration = _registration(registration_id)
    if registration is None or registration.event.status != Event.Status.CANCELLED:
        return 0
    return _send(registration, "event_cancelled")


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind confirmed participants of events that start tomorrow (local day). Each
    registration is claimed (``reminder_sent_at``) in the same statement that finds it, so two
    runs at once, or a run repeated, never remind anyone twice."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    sent = 0
    while True:
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(skip_locked=True)
                .select_related("event")
                .filter(
                    status=Registration.Status.CONFIRMED,
                    reminder_sent_at__isnull=True,
                    event__status__in=REMINDER_STATUSES,
                    event__starts_at__date=tomorrow,
                )
                .order_by("pk")
                .first()
            )
            if registration is None:
                return sent
            registration.reminder_sent_at = timezone.now()
            registration.save(update_fields=["reminder_sent_at"])
        sent += _send(registration, "reminder")
