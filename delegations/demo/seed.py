"""Demo data for the delegations app: visits in every state, incoming and outgoing, with people,
itineraries, reviews by the mayor's office, logistics (some overdue), follow-ups and gifts.

It builds on the partners demo (partners/demo/seed.py): cities are picked by name and a visit whose
city is missing is skipped. Idempotent: a visit is looked up by its title and its details are
created only with it, so running it twice changes nothing. Dates are relative to the first run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from partners.models import City, Contact, Office, Partnership, Task

from ..models import (
    AgendaItem,
    Gift,
    LogisticsItem,
    Participant,
    Visit,
    VisitRequest,
    VisitTransition,
)
from ..requests import reply_draft, visit_request_accept
from .events import seed_events

Status = Visit.Status
IN = Visit.Direction.INCOMING
OUT = Visit.Direction.OUTGOING
Level = Visit.Level
Kind = LogisticsItem.Kind
State = LogisticsItem.State

# The workflow path that leads to each status, with the mayor's office's comment on its decision.
PATHS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (),
    Status.SUBMITTED: (Status.SUBMITTED,),
    Status.APPROVED: (Status.SUBMITTED, Status.APPROVED),
    Status.CHANGES_REQUESTED: (Status.SUBMITTED, Status.CHANGES_REQUESTED),
    Status.DECLINED: (Status.SUBMITTED, Status.DECLINED),
    Status.CONFIRMED: (Status.SUBMITTED, Status.APPROVED, Status.CONFIRMED),
    Status.COMPLETED: (Status.SUBMITTED, Status.APPROVED, Status.CONFIRMED, Status.COMPLETED),
    Status.CANCELLED: (Status.SUBMITTED, Status.APPROVED, Status.CANCELLED),
}
REVIEWS = (Status.APPROVED, Status.CHANGES_REQUESTED, Status.DECLINED)


@dataclass(frozen=True)
class DemoGift:
    direction: str
    description: str
    value: str | None
    disposition: str = Gift.Disposition.KEPT
    storage: str = ""
    notes: str = ""


@dataclass(frozen=True)
class DemoVisit:
    title: str
    city: str
    direction: str
    level: str
    status: str
    starts_in: int  # days after the first run (negative: in the past)
    days: int = 2
    purpose: str = ""
    agenda: tuple[tuple[int, str, str, str], ...] = ()  # (day, "HH:MM", title, venue)
    review_comment: str = ""
    logistics: tuple[tuple[str, int, str], ...] = ()  # (kind, due days before start, state)
    outcomes: str = ""
    report_complete: bool = False
    public_summary: str = ""  # set: the completed visit is public
    follow_ups: tuple[tuple[str, int, bool], ...] = ()  # (description, due after end, done)
    gifts: tuple[DemoGift, ...] = ()
    budget: str | None = None
    users: tuple[str, ...] = ("staff",)  # demo users in the delegation
    extras: dict[str, Any] = field(default_factory=dict)


STANDARD_AGENDA = (
    (0, "09:30", "Welcome at City Hall", "City Hall, Városháza utca 9-11"),
    (0, "11:00", "Working meeting with the Mayor", "Mayor's Office"),
    (0, "13:00", "Working lunch", "Gerbeaud House"),
    (1, "10:00", "Site visit", "Budapest Transport Centre (BKK)"),
    (1, "15:00", "Press statement", "City Hall, Press room"),
)

VISITS = [
    DemoVisit(
        "Mayor of Vienna's working visit",
        "Vienna",
        IN,
        Level.MAYOR,
        Status.CONFIRMED,
        12,
        purpose="Renew the sister-city action plan and discuss district heating and the Danube "
        "riverfront.",
        agenda=STANDARD_AGENDA,
        review_comment="Approved. Please brief me on the district heating study beforehand.",
        logistics=(
            (Kind.INTERPRETER, 15, State.TODO),
            (Kind.SECURITY, 14, State.IN_PROGRESS),
            (Kind.ACCOMMODATION, 21, State.DONE),
            (Kind.GIFTS, 10, State.TODO),
            (Kind.PRESS, 5, State.TODO),
        ),
        gifts=(DemoGift(Gift.Direction.GIVEN, "Herend porcelain vase", "420.00"),),
        budget="6500.00",
        users=("staff", "mayor"),
    ),
    DemoVisit(
        "Kraków heritage and tourism visit",
        "Kraków",
        IN,
        Level.OFFICIAL,
        Status.SUBMITTED,
        16,
        purpose="Exchange on heritage management and visitor flows in historic centres.",
        agenda=STANDARD_AGENDA[:3],
        logistics=((Kind.TRANSPORT, 20, State.TODO),),
    ),
    DemoVisit(
        "Study visit on tram procurement in Warsaw",
        "Warsaw",
        OUT,
        Level.TECHNICAL,
        Status.SUBMITTED,
        40,
        days=3,
        purpose="Learn from Warsaw's framework contract for low-floor trams.",
        agenda=(
            (0, "10:00", "Tramwaje Warszawskie depot tour", "Depot Mokotów"),
            (1, "09:00", "Procurement workshop", "Warsaw City Hall"),
        ),
        budget="3800.00",
    ),
    DemoVisit(
        "Prague Democracy Lab kick-off",
        "Prague",
        OUT,
        Level.DEPUTY_MAYOR,
        Status.APPROVED,
        25,
        purpose="Open the Free Cities Democracy Lab with the partners of the CERV project.",
        agenda=((0, "14:00", "Opening session", "Prague City Hall"),),
        review_comment="Approved; the deputy mayor for civic affairs will lead.",
        logistics=((Kind.TRANSPORT, 10, State.DONE), (Kind.ACCOMMODATION, 14, State.IN_PROGRESS)),
        budget="2100.00",
    ),
    DemoVisit(
        "Tokyo smart mobility delegation",
        "Tokyo",
        IN,
        Level.OFFICIAL,
        Status.CHANGES_REQUESTED,
        55,
        days=3,
        purpose="A delegation of the Tokyo Metropolitan Government on traffic management.",
        agenda=STANDARD_AGENDA,
        review_comment="Please add a visit to the BKK traffic control centre and clarify who "
        "pays for the interpreters.",
        logistics=((Kind.VISA, 42, State.TODO), (Kind.INTERPRETER, 21, State.TODO)),
    ),
    DemoVisit(
        "Istanbul tourism fair",
        "Istanbul",
        OUT,
        Level.OFFICIAL,
        Status.DECLINED,
        70,
        purpose="Promote Budapest at the Istanbul tourism fair.",
        review_comment="Declined: the tourism office represents the city at fairs this year.",
        budget="9000.00",
    ),
    DemoVisit(
        "Danube riverfront workshop in Bratislava",
        "Bratislava",
        OUT,
        Level.TECHNICAL,
        Status.DRAFT,
        90,
        purpose="Joint workshop of the Danube Riverfront Revitalisation project.",
    ),
    DemoVisit(
        "Berlin innovation exchange",
        "Berlin",
        IN,
        Level.DEPUTY_MAYOR,
        Status.CANCELLED,
        30,
        purpose="Start-up ecosystems and the cities' innovation agencies.",
        review_comment="Approved.",
        extras={"cancel_comment": "Postponed by the partner to next year."},
    ),
    DemoVisit(
        "Vienna cultural week opening",
        "Vienna",
        IN,
        Level.DEPUTY_MAYOR,
        Status.COMPLETED,
        -120,
        purpose="Open the Vienna cultural week in Budapest.",
        agenda=((0, "18:00", "Opening concert", "Budapest Music Center"),),
        review_comment="Approved.",
        outcomes="A yearly cultural week, alternating between the two cities; the Wiener "
        "Festwochen will host Budapest artists next spring.",
        report_complete=True,
        public_summary="The deputy mayor of Vienna opened the Vienna cultural week in Budapest. "
        "From next year the week alternates between the two cities.",
        follow_ups=(
            ("Send the list of Budapest artists to the Wiener Festwochen", 30, True),
            ("Agree the dates of next year's cultural week", 60, False),
        ),
        gifts=(
            DemoGift(
                Gift.Direction.RECEIVED,
                "Augarten porcelain figure",
                "350.00",
                Gift.Disposition.DISPLAYED,
                "City Hall, Mayor's reception room",
                "Displayed with the other Vienna gifts.",
            ),
            DemoGift(Gift.Direction.GIVEN, "Book: Budapest architecture", "45.00"),
        ),
        users=("staff", "mayor"),
    ),
    DemoVisit(
        "Pact of Free Cities mayors' summit in Warsaw",
        "Warsaw",
        OUT,
        Level.MAYOR,
        Status.COMPLETED,
        -200,
        purpose="The annual summit of the Pact of Free Cities.",
        agenda=(
            (0, "10:00", "Summit plenary", "Palace of Culture and Science"),
            (1, "09:00", "Signing of the joint declaration", "Warsaw City Hall"),
        ),
        review_comment="Approved: the mayor will sign the declaration.",
        outcomes="Joint declaration on direct EU funding for cities signed by 26 mayors.",
        report_complete=True,
        public_summary="The mayor signed the Pact of Free Cities' declaration on direct EU "
        "funding for cities in Warsaw, with 25 other mayors.",
        follow_ups=(("Report the declaration to the General Assembly", -100, False),),
        gifts=(
            DemoGift(
                Gift.Direction.RECEIVED,
                "Commemorative summit medal",
                "60.00",
                Gift.Disposition.ARCHIVED,
                "Archive, shelf 4",
            ),
        ),
        users=("mayor",),
    ),
    DemoVisit(
        "Tokyo investment mission",
        "Tokyo",
        OUT,
        Level.OFFICIAL,
        Status.COMPLETED,
        -300,
        days=4,
        purpose="Meet Japanese investors in urban mobility and present the city's projects.",
        agenda=(
            (0, "10:00", "JETRO briefing", "JETRO headquarters"),
            (1, "14:00", "Investor round table", "Embassy of Hungary, Tokyo"),
        ),
        review_comment="Approved.",
        outcomes="Three investors asked for follow-up meetings; no commitments yet.",
        report_complete=True,
        follow_ups=(("Send the project portfolio to the three investors", -260, True),),
        gifts=(
            DemoGift(
                Gift.Direction.RECEIVED,
                "Lacquered sake set",
                "180.00",
                Gift.Disposition.DONATED,
                "",
                "Donated to the Hopp Ferenc Museum.",
            ),
        ),
    ),
    DemoVisit(
        "Official visit of the Mayor of Prague",
        "Prague",
        IN,
        Level.MAYOR,
        Status.COMPLETED,
        -400,
        purpose="Official visit with the signing of a cooperation programme.",
        agenda=STANDARD_AGENDA,
        review_comment="Approved.",
        outcomes="Cooperation programme for the next three years signed.",
        report_complete=False,
        public_summary="The Mayor of Prague paid an official visit to Budapest; the cities "
        "signed a three-year cooperation programme.",
        gifts=(
            DemoGift(
                Gift.Direction.RECEIVED,
                "Bohemian crystal bowl",
                "280.00",
                Gift.Disposition.DISPLAYED,
                "City Hall, corridor display case",
            ),
        ),
        users=("staff", "mayor"),
    ),
]

# (description, direction, counterpart, value, disposition, days after the first run)
STANDALONE_GIFTS = (
    (
        "Commemorative medal from the Ambassador of Japan",
        Gift.Direction.RECEIVED,
        "Ambassador of Japan",
        "90.00",
        Gift.Disposition.ARCHIVED,
        -45,
    ),
)


def _users() -> dict[str, Any]:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["staff", "mayor"])}


def _city(name: str) -> City | None:
    return City.objects.filter(name=name).order_by("-population").first()


def _office_holders(city: City) -> list[Contact]:
    offices = Office.objects.current().filter(city=city).select_related("contact")
    mayors = [o.contact for o in offices if o.title.startswith("Mayor")]
    others = [o.contact for o in offices if not o.title.startswith("Mayor")]
    return mayors + others


def _transitions(visit: Visit, spec: DemoVisit, users: dict[str, Any], start: dt.date) -> None:
    now = timezone.now()
    at = timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=45), dt.time(10)))
    previous: str = Status.DRAFT
    for step, target in enumerate(PATHS[spec.status]):
        by = users.get("mayor") if target in REVIEWS else users.get("staff")
        comment = ""
        if target in REVIEWS:
            comment = spec.review_comment
        elif target == Status.CANCELLED:
            comment = spec.extras.get("cancel_comment", "")
        VisitTransition.objects.create(
            visit=visit,
            from_status=previous,
            to_status=target,
            by=by,
            at=min(at + dt.timedelta(days=4 * step), now),
            comment=comment,
        )
        previous = target


def _participants(visit: Visit, spec: DemoVisit, city: City, users: dict[str, Any]) -> None:
    precedence = 1
    for contact in _office_holders(city):
        Participant.objects.create(
            visit=visit,
            contact=contact,
            precedence=precedence,
            role="Head of delegation" if precedence == 1 else "Delegate",
            needs_interpreter=spec.city == "Tokyo",
            needs_visa=spec.city == "Tokyo",
        )
        precedence += 1
    for username in spec.users:
        if username in users:
            Participant.objects.create(
                visit=visit,
                user=users[username],
                precedence=10 + precedence,
                role="Host" if spec.direction == IN else "Delegation member",
            )
            precedence += 1


def _details(visit: Visit, spec: DemoVisit, city: City, users: dict[str, Any]) -> None:
    start, end = visit.start_date, visit.end_date
    for day, time, title, venue in spec.agenda:
        hour, minute = (int(p) for p in time.split(":"))
        AgendaItem.objects.create(
            visit=visit,
            date=min(start + dt.timedelta(days=day), end),
            start_time=dt.time(hour, minute),
            end_time=dt.time(min(hour + 1, 23), minute),
            title=title,
            venue=venue,
            city=city if spec.direction == OUT else None,
        )
    for kind, before, state in spec.logistics:
        LogisticsItem.objects.create(
            visit=visit,
            kind=kind,
            due_on=start - dt.timedelta(days=before),
            state=state,
            owner=users.get("staff"),
        )
    for description, after, done in spec.follow_ups:
        Task.objects.create(
            record=visit,
            title=description,
            due_on=end + dt.timedelta(days=after),
            owner=users.get("staff"),
            created_by=users.get("staff"),
            state=Task.State.DONE if done else Task.State.OPEN,
            completed_at=timezone.now() if done else None,
            completed_by=users.get("staff") if done else None,
        )
    holders = _office_holders(city)
    for gift in spec.gifts:
        Gift.objects.create(
            visit=visit,
            direction=gift.direction,
            description=gift.description,
            value=Decimal(gift.value) if gift.value else None,
            date=start,
            counterpart=f"Mayor of {spec.city}",
            counterpart_contact=holders[0] if holders else None,
            storage_location=gift.storage,
            disposition=gift.disposition,
            notes=gift.notes,
        )


def _visit(spec: DemoVisit, city: City, users: dict[str, Any], today: dt.date) -> bool:
    start = today + dt.timedelta(days=spec.starts_in)
    holders = _office_holders(city)
    visit, created = Visit.objects.get_or_create(
        title=spec.title,
        defaults={
            "direction": spec.direction,
            "level": spec.level,
            "status": spec.status,
            "purpose": spec.purpose,
            "start_date": start,
            "end_date": start + dt.timedelta(days=spec.days - 1),
            "partnership": Partnership.objects.open().filter(city=city).first(),
            "budget": Decimal(spec.budget) if spec.budget else None,
            "owner": users.get("staff"),
            "head_of_delegation": holders[0] if holders and spec.direction == IN else None,
            "outcomes": spec.outcomes,
            "report_completed_at": timezone.now() if spec.report_complete else None,
            "is_public": bool(spec.public_summary),
            "public_summary": spec.public_summary,
        },
    )
    if not created:
        return False
    visit.cities.add(city)
    _transitions(visit, spec, users, start)
    _participants(visit, spec, city, users)
    _details(visit, spec, city, users)
    return True


@transaction.atomic
def seed_delegations() -> dict[str, int]:
    """Create the demo visits (idempotent); return how many were created and skipped."""
    today = timezone.localdate()
    users = _users()
    created = skipped = 0
    for spec in VISITS:
        city = _city(spec.city)
        if city is None:
            skipped += 1
            continue
        created += _visit(spec, city, users, today)
    for description, direction, counterpart, value, disposition, days in STANDALONE_GIFTS:
        Gift.objects.get_or_create(
            description=description,
            defaults={
                "direction": direction,
                "counterpart": counterpart,
                "value": Decimal(value),
                "disposition": disposition,
                "date": today + dt.timedelta(days=days),
            },
        )
    requests_created = seed_visit_requests(today=today, users=users)
    events_created = seed_events(users)
    return {
        "events created": events_created,
        "visits created": created,
        "visits skipped (city missing)": skipped,
        "visits": Visit.objects.count(),
        "gifts": Gift.objects.count(),
        "visit requests created": requests_created,
    }


# --- Visit requests (issue 14) ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoRequest:
    organization: str
    kind: str
    country: str
    city: str
    first_name: str
    last_name: str
    role: str
    email: str
    language: str
    direction: str
    level: str
    in_days: int
    days: int
    size: int
    purpose: str
    status: str
    dates_note: str = ""
    referred_to: str = ""


RK = VisitRequest.RequesterKind
RS = VisitRequest.Status
DEMO_REQUESTS: tuple[DemoRequest, ...] = (
    DemoRequest(
        "Embassy of Japan",
        RK.EMBASSY,
        "JP",
        "",
        "Aiko",
        "Tanaka",
        "First Secretary",
        "aiko.tanaka@embassy-jp.example",
        "en",
        IN,
        Level.MAYOR,
        45,
        0,
        3,
        "A courtesy call on the mayor by the new ambassador.",
        RS.NEW,
        dates_note="Any weekday in that fortnight",
    ),
    DemoRequest(
        "Ville de Lyon",
        RK.CITY,
        "FR",
        "Lyon",
        "Claire",
        "Martin",
        "Head of international affairs",
        "claire.martin@lyon.example",
        "en",
        OUT,
        Level.MAYOR,
        70,
        2,
        1,
        "An invitation to the mayor to speak at the Lyon urban innovation forum.",
        RS.NEW,
    ),
    DemoRequest(
        "Kolozsvár Polgármesteri Hivatal",
        RK.CITY,
        "RO",
        "Cluj-Napoca",
        "Béla",
        "Szabó",
        "Főtanácsos",
        "bela.szabo@cluj.example",
        "hu",
        IN,
        Level.DEPUTY_MAYOR,
        35,
        1,
        6,
        "Tapasztalatcsere a közösségi közlekedésről.",
        RS.ACCEPTED,
    ),
    DemoRequest(
        "Global Mobility Startups Network",
        RK.ORGANIZATION,
        "DE",
        "",
        "Jonas",
        "Weber",
        "Programme manager",
        "jonas.weber@gmsn.example",
        "en",
        IN,
        Level.TECHNICAL,
        20,
        0,
        12,
        "A study visit for twelve start-up founders.",
        RS.DECLINED,
    ),
    DemoRequest(
        "Embassy of Brazil",
        RK.EMBASSY,
        "BR",
        "",
        "Mariana",
        "Souza",
        "Counsellor",
        "mariana.souza@embassy-br.example",
        "en",
        IN,
        Level.OFFICIAL,
        25,
        0,
        2,
        "A meeting on a trade mission next spring.",
        RS.REFERRED,
        referred_to="Ministry of Foreign Affairs and Trade, protocol department",
    ),
)


def seed_visit_requests(*, today: dt.date, users: dict[str, Any]) -> int:
    """Visit requests in every state (idempotent: looked up by organisation and address); the
    accepted one goes through the service, so it has its draft visit and records."""
    staff = users.get("staff")
    if staff is None:  # no demo users (seed_demo makes them): nobody to triage the requests
        return 0
    created = 0
    for spec in DEMO_REQUESTS:
        if VisitRequest.objects.filter(
            organization_name=spec.organization, email=spec.email
        ).exists():
            continue
        start = today + dt.timedelta(days=spec.in_days)
        request = VisitRequest.objects.create(
            first_name=spec.first_name,
            last_name=spec.last_name,
            role=spec.role,
            requester_kind=spec.kind,
            organization_name=spec.organization,
            country=spec.country,
            city_name=spec.city,
            email=spec.email,
            language=spec.language,
            direction=spec.direction,
            date_from=start,
            date_to=start + dt.timedelta(days=spec.days),
            dates_note=spec.dates_note,
            purpose=spec.purpose,
            level=spec.level,
            delegation_size=spec.size,
            consent_at=timezone.now(),
            consent_ip="192.0.2.1",
        )
        created += 1
        handled = {"triaged_by": staff, "triaged_at": timezone.now()}
        if spec.status == RS.ACCEPTED:
            visit_request_accept(request=request, by=staff)
        elif spec.status == RS.DECLINED:
            subject, body = reply_draft(request)
            VisitRequest.objects.filter(pk=request.pk).update(
                status=RS.DECLINED, reply_subject=subject, reply_body=body, **handled
            )
        elif spec.status == RS.REFERRED:
            VisitRequest.objects.filter(pk=request.pk).update(
                status=RS.REFERRED, referred_to=spec.referred_to, **handled
            )
    return created
