"""The public's registrations for hosted events: register, confirm (double opt-in), change,
cancel, and the waitlist that moves up by itself.

Seats are counted under a row lock on the event (``select_for_update``): every step that takes
or frees a seat locks the event row first, so two people confirming for the last seat at once
are served one after the other; one gets it, the other the waitlist. An address registers once
per event (the ``registration_email_once_per_event`` constraint): registering again answers the
same ("check your inbox") and sends an email, never a second seat. Emails go out from Celery
tasks enqueued on commit (``delegations.tasks``); the newsletter is told through the
``registration_confirmed`` signal (newsletters subscribes with its own double opt-in).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.tasks import enqueue_on_commit

from . import tasks
from .models import Event, EventSession, Registration
from .registration_tokens import InvalidToken, confirm_path, make_token, manage_path, read_token

Status = Registration.Status

__all__ = [
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "InvalidToken",
    "RegistrationClosed",
    "can_confirm",
    "cancel",
    "change",
    "confirm",
    "confirm_path",
    "fill_event_from_waitlist",
    "fill_from_waitlist",
    "make_token",
    "manage_path",
    "read_token",
    "register",
    "registration_confirmed",
]

# Sent after commit when a registrant confirmed their address and asked for the newsletter;
# kwargs: email, name, language, ip (the newsletter app subscribes them, double opt-in).
registration_confirmed = Signal()

# The statement on the registration form, kept with each registration as shown.
CONSENT_VERSION = "events-1"
CONSENT_TEXT = _(
    "I agree that the city's international relations unit keeps the data in this form to "
    "organise this event and to write to me about it. I can cancel my registration at any "
    "time with the link in the emails."
)

# --- Registering --------------------------------------------------------------------------------


class RegistrationClosed(Exception):
    """The event no longer takes registrations."""


def register(
    *,
    event: Event,
    email: str,
    name: str,
    organization: str = "",
    country: str = "",
    sessions: Iterable[EventSession] = (),
    dietary_needs: str = "",
    accessibility_needs: str = "",
    language: str = "en",
    wants_newsletter: bool = False,
    consent_language: str = "en",
    ip: str | None = None,
) -> Registration:
    """Record a registration waiting for its address to be confirmed, and email the link.

    An address already registered for the event is not registered again: a registration
    still waiting gets its confirmation link again, a confirmed or waitlisted one an email
    with its status and link, a cancelled one starts over (the confirmation decides). The
    caller answers the same in every case."""
    if not event.is_open:
        raise RegistrationClosed
    email = email.strip()
    details = {
        "name": name.strip(),
        "organization": organization.strip(),
        "country": country,
        "dietary_needs": dietary_needs.strip(),
        "accessibility_needs": accessibility_needs.strip(),
        "language": language,
        "wants_newsletter": wants_newsletter,
    }
    with transaction.atomic():
        existing = Registration.objects.select_for_update().filter(event=event).by_email(email)
        registration = existing.first()
        if registration is None:
            registration = Registration(event=event, email=email, **details)
            _record_consent(registration, consent_language=consent_language, ip=ip)
            try:
                with transaction.atomic():  # a savepoint: the same address at the same moment
                    registration.save()
            except IntegrityError:
                registration = existing.get()
            else:
                registration.sessions.set(list(sessions))
                enqueue_on_commit(tasks.send_registration_confirm, registration.pk)
                return registration
        if registration.status == Status.CANCELLED:
            for field, value in details.items():
                setattr(registration, field, value)
            registration.status = Status.PENDING
            registration.cancelled_at = None
            # Starting over: nothing of the old registration's day counts for the new one.
            registration.confirmed_at = registration.waitlisted_at = None
            registration.checked_in_at = None
            registration.token_nonce = secrets.token_hex(8)  # old confirmation links stop working
            _record_consent(registration, consent_language=consent_language, ip=ip)
            registration.save()
            registration.sessions.set(list(sessions))
            enqueue_on_commit(tasks.send_registration_confirm, registration.pk)
        elif registration.status == Status.PENDING:
            enqueue_on_commit(tasks.send_registration_confirm, registration.pk)
        else:
            enqueue_on_commit(tasks.send_registration_already, registration.pk)
    return registration


def _record_consent(registration: Registration, *, consent_language: str, ip: str | None) -> None:
    from django.utils import translation

    with translation.override(consent_language):
        registration.consent_text_shown = str(CONSENT_TEXT)
    registration.consent_version = CONSENT_VERSION
    registration.consent_language = consent_language
    registration.consent_at = timezone.now()
    registration.consent_ip = ip


def _lock(registration: Registration) -> tuple[Event, Registration]:
    """The event's row lock first (seats are counted under it), then the registration's."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    locked.event = event
    return event, locked


def _seat_free(event: Event) -> bool:
    if event.capacity is None:
        return True
    return event.registrations.holding_seat().count() < event.capacity


def can_confirm(event: Event) -> bool:
    """Whether a pending registration may still be confirmed: the event is public (registration
    open, or closed after the registrant signed up) and has not ended."""
    return (
        event.status in (Event.Status.PUBLISHED, Event.Status.CLOSED)
        and event.ends_at > timezone.now()
    )


def confirm(*, registration: Registration, ip: str | None = None) -> Registration:
    """The address is confirmed: a seat if one is free, else the waitlist. Idempotent.
    ``RegistrationClosed`` when the event is over, cancelled or no longer public."""
    with transaction.atomic():
        event, locked = _lock(registration)
        if locked.status != Status.PENDING:
            return locked
        if not can_confirm(event):
            raise RegistrationClosed
        now = timezone.now()
        locked.token_nonce = secrets.token_hex(8)  # the confirmation link is used
        if _seat_free(event):
            locked.status, locked.confirmed_at = Status.CONFIRMED, now
            enqueue_on_commit(tasks.send_registration_confirmed, locked.pk)
        else:
            locked.status, locked.waitlisted_at = Status.WAITLISTED, now
            enqueue_on_commit(tasks.send_registration_waitlisted, locked.pk)
        locked.save(
            update_fields=["status", "confirmed_at", "waitlisted_at", "token_nonce", "updated_at"]
        )
        if locked.wants_newsletter:
            _tell_newsletter(locked, ip=ip)
    return locked


def _tell_newsletter(registration: Registration, *, ip: str | None) -> None:
    def send() -> None:
        registration_confirmed.send_robust(
            sender=Registration,
            registration_id=registration.pk,
            email=registration.email,
            name=registration.name,
            language=registration.language,
            ip=ip,
        )

    transaction.on_commit(send, robust=True)


def cancel(*, registration: Registration) -> Registration:
    """Give up the registration; a freed seat goes to the first on the waitlist. Idempotent."""
    with transaction.atomic():
        event, locked = _lock(registration)
        if locked.status == Status.CANCELLED:
            return locked
        locked.status, locked.cancelled_at = Status.CANCELLED, timezone.now()
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        fill_from_waitlist(event)
    return locked


def fill_from_waitlist(event: Event) -> list[Registration]:
    """Move people up from the waitlist while seats are free (the event's row is locked by the
    caller), emailing each on commit. Also after staff raise the capacity."""
    moved: list[Registration] = []
    if not can_confirm(event):  # not after the event: nobody moves up to a seat in the past
        return moved
    waiting = event.registrations.waitlist().select_for_update()
    if event.capacity is not None:
        free = event.capacity - event.registrations.holding_seat().count()
        if free <= 0:
            return moved
        waiting = waiting[:free]
    for registration in waiting:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        enqueue_on_commit(tasks.send_registration_moved_up, registration.pk)
        moved.append(registration)
    return moved


def fill_event_from_waitlist(*, event: Event) -> list[Registration]:
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        return fill_from_waitlist(locked)


def change(*, registration: Registration, data: dict[str, Any]) -> Registration:
    """The registrant's own changes (name, organisation, sessions, needs)."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        for field in ("name", "organization", "dietary_needs", "accessibility_needs"):
            if field in data:
                setattr(locked, field, (data[field] or "").strip())
        locked.save()
        if "sessions" in data:
            locked.sessions.set(list(data["sessions"]))
    return locked
