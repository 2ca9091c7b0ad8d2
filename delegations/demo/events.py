"""Demo events: the 2027 international conference and an Academy of City Diplomacy course,
with their agenda and registrations (confirmed, waitlisted, waiting for confirmation, one
cancelled), and last autumn's course, completed, with its attendance (some participants
qualify for a certificate, one does not). Called by ``seed_delegations``; idempotent (an event is looked up by its slug and
its sessions and registrations are made only with it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from partners.models import SDG, Contact, Organization, Theme

from ..models import Event, EventSession, Registration, SessionAttendance

PEOPLE = [
    ("Anna Weber", "anna.weber@example.at", "City of Vienna", "AT", "en"),
    ("Jan Kowalski", "jan.kowalski@example.pl", "City of Warsaw", "PL", "en"),
    ("Lucía Fernández", "lucia.fernandez@example.es", "Ayuntamiento de Madrid", "ES", "en"),
    ("Kovács Eszter", "kovacs.eszter@example.hu", "Külgazdasági és Külügyminisztérium", "HU", "hu"),
    ("Marco Rossi", "marco.rossi@example.it", "Comune di Milano", "IT", "en"),
    ("Ana Popescu", "ana.popescu@example.ro", "Primăria Cluj-Napoca", "RO", "en"),
    ("Nagy Péter", "nagy.peter@example.hu", "Budapest Főváros", "HU", "hu"),
    ("Sophie Martin", "sophie.martin@example.fr", "Ville de Lyon", "FR", "en"),
    ("Jonas Berg", "jonas.berg@example.se", "Stockholms stad", "SE", "en"),
    ("Petra Novák", "petra.novak@example.cz", "Magistrát hl. m. Prahy", "CZ", "en"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


def _event(slug: str, **fields: Any) -> tuple[Event, bool]:
    existing = Event.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    return Event.objects.create(slug=slug, **fields), True


def _sessions(
    event: Event, day: dt.date, rows: list[tuple[int, int, str, str, str]]
) -> list[EventSession]:
    speakers = list(Contact.objects.order_by("pk")[:6])
    sessions = []
    for index, (offset, hour, title_en, title_hu, room) in enumerate(rows):
        start = _at(day + dt.timedelta(days=offset), hour)
        session = EventSession.objects.create(
            event=event,
            title_en=title_en,
            title_hu=title_hu,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=90),
            room=room,
        )
        if speakers:
            session.speakers.set([speakers[index % len(speakers)]])
        sessions.append(session)
    return sessions


def _registrations(event: Event, sessions: list[EventSession], statuses: list[str]) -> None:
    now = timezone.now()
    for index, ((name, email, organization, country, language), status) in enumerate(
        zip(PEOPLE, statuses, strict=False)
    ):
        registration = Registration.objects.create(
            event=event,
            name=name,
            email=email,
            organization=organization,
            country=country,
            language=language,
            status=status,
            consent_version="events-1",
            consent_language=language,
            consent_at=now,
            confirmed_at=now if status == Registration.Status.CONFIRMED else None,
            waitlisted_at=now + dt.timedelta(minutes=index)
            if status == Registration.Status.WAITLISTED
            else None,
            cancelled_at=now if status == Registration.Status.CANCELLED else None,
            dietary_needs="vegetarian" if index % 4 == 0 else "",
            accessibility_needs="step-free access" if index == 5 else "",
            wants_newsletter=index % 3 == 0,
        )
        registration.sessions.set(sessions[: 2 + index % max(1, len(sessions) - 1)])


def seed_events(users: dict[str, Any]) -> int:
    """Create the demo events (idempotent); return how many were created."""
    today = timezone.localdate()
    owner = users.get("staff")
    created = 0
    themes = list(Theme.objects.order_by("pk")[:3])
    sdgs = list(SDG.objects.filter(number__in=[11, 16, 17]))
    partners = list(Organization.objects.filter(name__in=["Eurocities"]))

    conference_day = (
        dt.date(2027, 5, 20) if today < dt.date(2027, 5, 1) else today + dt.timedelta(days=60)
    )
    conference, new = _event(
        "budapest-city-diplomacy-conference-2027",
        kind=Event.Kind.CONFERENCE,
        title_en="Budapest International Conference on City Diplomacy 2027",
        title_hu="Budapesti Nemzetközi Városdiplomáciai Konferencia 2027",
        description_en=(
            "The unit's annual international conference, to discuss and share ideas about the "
            "great problems of the country and the world: climate, housing, migration and the "
            "cities' voice in international affairs."
        ),
        description_hu=(
            "Az egység éves nemzetközi konferenciája, ahol az ország és a világ nagy kérdéseiről "
            "cserélünk eszmét: klíma, lakhatás, migráció és a városok hangja a nemzetközi ügyekben."
        ),
        starts_at=_at(conference_day, 9),
        ends_at=_at(conference_day + dt.timedelta(days=1), 17),
        venue="Budapest City Hall, Díszterem",
        capacity=250,
        budget=18_000_000,
        currency="HUF",
        mayor_attends=True,
        review_status=Event.Review.APPROVED,
        status=Event.Status.PUBLISHED,
        owner=owner,
        reviewed_by=users.get("mayor"),
        reviewed_at=timezone.now(),
        review_comment="The mayor opens the conference.",
    )
    if new:
        created += 1
        conference.themes.set(themes)
        conference.sdgs.set(sdgs)
        conference.organizations.set(partners)
        sessions = _sessions(
            conference,
            conference_day,
            [
                (
                    0,
                    9,
                    "Opening: cities in a changing world",
                    "Megnyitó: városok a változó világban",
                    "Díszterem",
                ),
                (
                    0,
                    11,
                    "Panel: climate diplomacy of cities",
                    "Panel: a városok klímadiplomáciája",
                    "Díszterem",
                ),
                (0, 14, "Workshop: housing and the EU", "Műhely: lakhatás és az EU", "Room 2"),
                (
                    1,
                    10,
                    "Panel: city networks after 2027",
                    "Panel: városhálózatok 2027 után",
                    "Díszterem",
                ),
            ],
        )
        _registrations(conference, sessions, ["confirmed"] * 6 + ["pending"] * 2)

    course_day = today + dt.timedelta(days=21)
    course, new = _event(
        "academy-of-city-diplomacy-spring-course",
        kind=Event.Kind.ACADEMY_COURSE,
        title_en="Academy of City Diplomacy: spring course",
        title_hu="Városdiplomáciai Akadémia: tavaszi kurzus",
        description_en=(
            "A course for young foreign-policy professionals: how cities negotiate, host "
            "delegations, join networks and build partnerships."
        ),
        description_hu=(
            "Kurzus fiatal külpolitikai szakembereknek: hogyan tárgyalnak a városok, hogyan "
            "fogadnak delegációkat, hogyan lépnek be hálózatokba és építenek partnerségeket."
        ),
        starts_at=_at(course_day, 9),
        ends_at=_at(course_day + dt.timedelta(days=2), 17),
        venue="Budapest City Hall, Room 101",
        capacity=6,
        # The cohort is one text for both languages (it is on English and Hungarian
        # certificates): a language-neutral one.
        cohort="2027/1",
        status=Event.Status.PUBLISHED,
        owner=owner,
    )
    if new:
        created += 1
        course.themes.set(themes[:1])
        course.sdgs.set(sdgs[-1:])
        sessions = _sessions(
            course,
            course_day,
            [
                (
                    0,
                    9,
                    "Module 1: what city diplomacy is",
                    "1. modul: mi a városdiplomácia",
                    "Room 101",
                ),
                (
                    0,
                    14,
                    "Module 2: protocol and hosting delegations",
                    "2. modul: protokoll és delegációk fogadása",
                    "Room 101",
                ),
                (
                    1,
                    9,
                    "Module 3: city networks and the EU",
                    "3. modul: városhálózatok és az EU",
                    "Room 101",
                ),
                (
                    1,
                    14,
                    "Module 4: negotiating partnerships",
                    "4. modul: partnerségek tárgyalása",
                    "Room 101",
                ),
                (
                    2,
                    9,
                    "Module 5: projects and funding",
                    "5. modul: projektek és pályázatok",
                    "Room 101",
                ),
            ],
        )
        _registrations(
            course, sessions, ["confirmed"] * 6 + ["waitlisted"] * 2 + ["pending", "cancelled"]
        )
    created += _completed_course(today=today, owner=owner, themes=themes)
    return created


# Sessions each participant of the completed course attended, in order of registration.
ATTENDED = [4, 4, 3, 3, 2, 4]


def _completed_course(*, today: dt.date, owner: Any, themes: list[Theme]) -> int:
    """Last autumn's Academy course: completed, everyone checked in on the first day, and the
    attendance that decides who receives a certificate (3 of 4 sessions at the default 75 %)."""
    first_day = today - dt.timedelta(days=40)
    course, new = _event(
        "academy-of-city-diplomacy-autumn-course",
        kind=Event.Kind.ACADEMY_COURSE,
        title_en="Academy of City Diplomacy: autumn course",
        title_hu="Városdiplomáciai Akadémia: őszi kurzus",
        description_en="The autumn cohort's course: city networks, protocol and partnerships.",
        description_hu="Az őszi évfolyam kurzusa: városhálózatok, protokoll és partnerségek.",
        starts_at=_at(first_day, 9),
        ends_at=_at(first_day + dt.timedelta(days=1), 17),
        venue="Budapest City Hall, Room 101",
        capacity=6,
        cohort="2026/2",
        status=Event.Status.COMPLETED,
        owner=owner,
    )
    if not new:
        return 0
    course.themes.set(themes[:1])
    sessions = _sessions(
        course,
        first_day,
        [
            (0, 9, "Module 1: city networks", "1. modul: városhálózatok", "Room 101"),
            (0, 14, "Module 2: protocol", "2. modul: protokoll", "Room 101"),
            (1, 9, "Module 3: partnerships", "3. modul: partnerségek", "Room 101"),
            (1, 14, "Module 4: projects", "4. modul: projektek", "Room 101"),
        ],
    )
    _registrations(course, sessions, ["confirmed"] * len(ATTENDED))
    registrations = course.registrations.order_by("pk")
    for registration, attended in zip(registrations, ATTENDED, strict=True):
        registration.sessions.set(sessions)
        registration.checked_in_at = course.starts_at
        registration.save(update_fields=["checked_in_at"])
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                registration=registration,
                session=session,
                recorded_at=session.starts_at,
                recorded_by=owner,
            )
            for session in sessions[:attended]
        )
    return 1
