"""Events, their sessions and registrations: what the database guarantees."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from delegations.models import Registration, SessionAttendance
from tests.delegations.factories import EventFactory, EventSessionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_an_email_registers_once_per_event_whatever_its_case():
    first = RegistrationFactory(email="Anna@Example.org")
    RegistrationFactory(email="anna@example.org")  # another event: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=first.event, email="ANNA@example.ORG")
    assert Registration.objects.filter(event=first.event).count() == 1


def test_the_title_reads_in_the_reader_language_and_makes_the_slug():
    event = EventFactory(
        title_en="City Diplomacy Conference", title_hu="Városdiplomáciai konferencia"
    )
    assert event.slug.startswith("city-diplomacy-conference-")
    with translation.override("hu"):
        assert event.title == "Városdiplomáciai konferencia"
    twin = EventFactory(title_en="City Diplomacy Conference", starts_at=event.starts_at)
    assert twin.slug != event.slug


def test_attendance_is_recorded_once_per_session():
    session = EventSessionFactory()
    registration = RegistrationFactory(event=session.event)
    SessionAttendance.objects.create(registration=registration, session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAttendance.objects.create(registration=registration, session=session)


def test_waitlist_position_follows_the_order_of_waiting():
    event = EventFactory(capacity=1)

    now = timezone.now()
    first = RegistrationFactory(event=event, status="waitlisted", waitlisted_at=now)
    second = RegistrationFactory(event=event, status="waitlisted", waitlisted_at=now)
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert list(event.registrations.waitlist()) == [first, second]
