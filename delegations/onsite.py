"""On the day of a hosted event: checking registrants in at the door, attendance per session,
name badges, and certificates of attendance for Academy courses.

Checking in and recording attendance are idempotent: a second tap (two phones at the door, a
button pressed twice) leaves the same state. An attendance is one row per (registration,
session), guarded by ``session_attendance_once`` in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cityrelations.core.languages import unit_name

from .briefing import html_to_pdf
from .models import Event, EventSession, Registration, SessionAttendance

Status = Registration.Status


def _require_confirmed(registration: Registration) -> None:
    if registration.status != Status.CONFIRMED:
        raise ValidationError(
            _("Only confirmed registrants can be checked in (%(name)s is %(status)s).")
            % {"name": registration.name, "status": registration.get_status_display().lower()}
        )


def registration_check_in(*, registration: Registration, present: bool) -> Registration:
    """Check a confirmed registrant in (``present``) or undo it; repeating it changes nothing.
    The row is locked, so two phones at the door keep the first arrival time."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if present:
            _require_confirmed(registration)
            if registration.checked_in_at is None:
                registration.checked_in_at = timezone.now()
                registration.save(update_fields=["checked_in_at", "updated_at"])
        elif registration.checked_in_at is not None:
            registration.checked_in_at = None
            registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration


def session_attendance_set(
    *, registration: Registration, session: EventSession, present: bool, by: Any
) -> bool:
    """Record that the registrant was at the session (or take it back); returns whether they
    are marked present now. Idempotent; a session of another event is refused."""
    if session.event_id != registration.event_id:
        raise ValidationError(_("This session belongs to another event."))
    if not present:
        SessionAttendance.objects.filter(registration=registration, session=session).delete()
        return False
    _require_confirmed(registration)
    # get_or_create retries the read when a concurrent insert wins the unique constraint.
    SessionAttendance.objects.get_or_create(
        registration=registration, session=session, defaults={"recorded_by": by}
    )
    return True


# --- Certificates of attendance -----------------------------------------------------------------


@dataclass(frozen=True)
class CertificateRow:
    registration: Registration
    attended: int
    qualifies: bool


@dataclass(frozen=True)
class Certificates:
    """Who attended how many of the event's sessions, and who earned a certificate."""

    session_count: int
    needed: int
    rows: list[CertificateRow]

    @property
    def qualifying(self) -> list[Registration]:
        return [row.registration for row in self.rows if row.qualifies]


def certificate_standing(event: Event) -> Certificates:
    """Two queries: the sessions' count, and the confirmed registrants with their attendance.
    An event without sessions, or that is not an Academy course, gives no certificates."""
    session_count = event.sessions.count()
    needed = event.sessions_needed(session_count)
    registrations = event.registrations.holding_seat().with_attended_count().order_by("name", "pk")
    gives = event.gives_certificates and session_count > 0
    rows = [
        CertificateRow(
            registration=r,
            attended=r.attended_count,  # type: ignore[attr-defined]
            qualifies=gives and r.attended_count >= needed,  # type: ignore[attr-defined]
        )
        for r in registrations
    ]
    return Certificates(session_count=session_count, needed=needed, rows=rows)


def _document_context(event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "unit_name": unit_name(),
        "home_city": settings.HOME_CITY["name"],
    }


def render_certificates(event: Event, registrations: Sequence[Registration]) -> bytes:
    """One page per participant, each in the participant's own language (the event's title,
    the dates and the wording); the document's language is the first participant's."""
    sessions = list(event.sessions.all())
    pages = []
    for registration in registrations:
        with translation.override(registration.language):
            pages.append(
                render_to_string(
                    "delegations/onsite/_certificate_page.html",
                    {
                        **_document_context(event),
                        "registration": registration,
                        "sessions": sessions,
                        "issued_on": timezone.localdate(),
                        "lang": registration.language,
                    },
                )
            )
    language = registrations[0].language if registrations else translation.get_language()
    with translation.override(language):
        html = render_to_string(
            "delegations/onsite/certificates.html",
            {**_document_context(event), "pages": pages, "lang": language},
        )
    return html_to_pdf(html)


def render_badges(event: Event, registrations: Sequence[Registration]) -> bytes:
    """An A4 sheet of name badges (eight a page), in the reader's language."""
    html = render_to_string(
        "delegations/onsite/badges.html",
        {**_document_context(event), "registrations": registrations},
    )
    return html_to_pdf(html)


def document_filename(event: Event, document: str) -> str:
    """``nevkartyak-academy-….pdf`` for a Hungarian reader, ``badges-academy-….pdf`` otherwise."""
    return f"{slugify(document)}-{event.slug}.pdf"


def badges_filename(event: Event) -> str:
    return document_filename(event, gettext("badges"))


def certificates_filename(event: Event, registration: Registration | None = None) -> str:
    name = gettext("certificates") if registration is None else gettext("certificate")
    if registration is not None:
        name = f"{name}-{slugify(registration.name)[:40] or registration.pk}"
    return document_filename(event, name)
