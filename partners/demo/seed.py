"""Demo data for the partners app: Budapest and ~30 partner cities on every continent.

Real cities with real coordinates from the offline gazetteer; every person is plainly fictional
("Dr. Erika Example"). Idempotent: each record is looked up by its natural key and created only
when missing, so running it twice changes nothing. Dates are relative to the first run, so that
the dashboard and the reminders always have something due soon.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..geo import GazetteerCity, cities_by_name_and_country
from ..models import (
    City,
    Contact,
    Interaction,
    Membership,
    Office,
    Organization,
    Partnership,
    Project,
    Theme,
)
from .opportunities import seed_opportunities

L = Partnership.Level
S = Partnership.Status


@dataclass(frozen=True)
class DemoPartner:
    city: str
    country: str
    level: str
    status: str
    since: int | None = None
    quiet: bool = False  # no contact for more than a year: a "dormant" candidate
    expires_in: int | None = None  # the agreement ends this many days after the first run
    themes: tuple[str, ...] = ()


PARTNERS = [
    DemoPartner(
        "Vienna", "AT", L.SISTER, S.ACTIVE, 1990, expires_in=45, themes=("culture", "transport")
    ),
    DemoPartner(
        "Prague", "CZ", L.PARTNER, S.ACTIVE, 2005, themes=("networks", "democracy-and-rule-of-law")
    ),
    DemoPartner("Warsaw", "PL", L.PARTNER, S.ACTIVE, 2005, themes=("networks",)),
    DemoPartner("Bratislava", "SK", L.SISTER, S.ACTIVE, 1997, themes=("environment", "transport")),
    DemoPartner(
        "Berlin", "DE", L.PARTNER, S.ACTIVE, 1991, themes=("economic-development", "innovation")
    ),
    DemoPartner("Paris", "FR", L.FRIENDSHIP, S.ACTIVE, 1997, themes=("climate", "culture")),
    DemoPartner("Lisbon", "PT", L.PARTNER, S.ACTIVE, 2001, quiet=True, themes=("tourism",)),
    DemoPartner("Zagreb", "HR", L.PARTNER, S.ACTIVE, 1994, expires_in=60, themes=("culture",)),
    DemoPartner("Ljubljana", "SI", L.COOPERATION, S.PROPOSED, themes=("environment",)),
    DemoPartner("Helsinki", "FI", L.FRIENDSHIP, S.DORMANT, 1995, quiet=True, themes=("education",)),
    DemoPartner("Dublin", "IE", L.COOPERATION, S.UNDER_REVIEW, themes=("innovation",)),
    DemoPartner(
        "Barcelona", "ES", L.COOPERATION, S.ACTIVE, 2018, themes=("housing", "social-inclusion")
    ),
    DemoPartner("Cluj-Napoca", "RO", L.SISTER, S.ACTIVE, 1999, themes=("culture", "education")),
    DemoPartner("Kraków", "PL", L.FRIENDSHIP, S.ACTIVE, 2010, quiet=True, themes=("tourism",)),
    DemoPartner("Lviv", "UA", L.COOPERATION, S.ACTIVE, 2023, themes=("security", "health")),
    DemoPartner("Tel Aviv", "IL", L.SISTER, S.ACTIVE, 1989, themes=("innovation", "culture")),
    DemoPartner("Beijing", "CN", L.FRIENDSHIP, S.SUSPENDED, 2005, themes=("economic-development",)),
    DemoPartner(
        "Tokyo", "JP", L.PARTNER, S.ACTIVE, 2002, expires_in=75, themes=("transport", "innovation")
    ),
    DemoPartner("Seoul", "KR", L.FRIENDSHIP, S.ACTIVE, 2012, quiet=True, themes=("innovation",)),
    DemoPartner("Istanbul", "TR", L.PARTNER, S.ACTIVE, 1985, themes=("culture", "tourism")),
    DemoPartner("Mumbai", "IN", L.COOPERATION, S.PROPOSED, themes=("investment",)),
    DemoPartner("Almaty", "KZ", L.COOPERATION, S.ACTIVE, 2019, themes=("investment",)),
    DemoPartner("Hanoi", "VN", L.FRIENDSHIP, S.DORMANT, 2008, quiet=True, themes=("education",)),
    DemoPartner(
        "New York City", "US", L.FRIENDSHIP, S.ACTIVE, 1992, themes=("representation", "climate")
    ),
    DemoPartner(
        "Toronto", "CA", L.PARTNER, S.ACTIVE, 2000, expires_in=20, themes=("immigration", "housing")
    ),
    DemoPartner("Mexico City", "MX", L.COOPERATION, S.UNDER_REVIEW, themes=("climate",)),
    DemoPartner(
        "São Paulo", "BR", L.COOPERATION, S.ACTIVE, 2016, quiet=True, themes=("social-inclusion",)
    ),
    DemoPartner("Buenos Aires", "AR", L.FRIENDSHIP, S.ACTIVE, 2004, themes=("culture",)),
    DemoPartner("Santiago", "CL", L.COOPERATION, S.ENDED, 2010, themes=("environment",)),
    DemoPartner("Cairo", "EG", L.COOPERATION, S.ACTIVE, 2015, themes=("culture", "tourism")),
    DemoPartner("Nairobi", "KE", L.COOPERATION, S.ACTIVE, 2021, themes=("climate", "innovation")),
    DemoPartner("Cape Town", "ZA", L.FRIENDSHIP, S.PROPOSED, themes=("environment",)),
    DemoPartner("Sydney", "AU", L.FRIENDSHIP, S.ACTIVE, 2000, quiet=True, themes=("climate",)),
    DemoPartner("Auckland", "NZ", L.COOPERATION, S.ACTIVE, 2020, themes=("environment",)),
]

# The demo cities that have a Hungarian name of their own (an exonym), by their demo name.
HUNGARIAN_NAMES = {
    "Vienna": "Bécs",
    "Prague": "Prága",
    "Warsaw": "Varsó",
    "Bratislava": "Pozsony",
    "Paris": "Párizs",
    "Lisbon": "Lisszabon",
    "Zagreb": "Zágráb",
    "Cluj-Napoca": "Kolozsvár",
    "Kraków": "Krakkó",
    "Beijing": "Peking",
    "Tokyo": "Tokió",
    "Seoul": "Szöul",
    "Istanbul": "Isztambul",
    "New York City": "New York",
    "Mexico City": "Mexikóváros",
    "Cairo": "Kairó",
    "Cape Town": "Fokváros",
}

# (organisation name as seeded by partners/migrations/0002, role, since, fee, fee due in days,
#  report due in days)
MEMBERSHIPS = [
    ("Pact of Free Cities", "founding member", dt.date(2019, 12, 16), None, None, 20),
    ("C40 Cities Climate Leadership Group", "member", dt.date(2013, 5, 1), "15000", 14, 75),
    ("Eurocities", "member, executive committee", dt.date(2004, 1, 1), "21000", 50, 40),
    (
        "ICLEI \u2013 Local Governments for Sustainability",
        "member",
        dt.date(2010, 3, 1),
        "3500",
        -5,
        None,
    ),
    ("United Cities and Local Governments", "member", dt.date(2005, 6, 1), "8000", 120, None),
    (
        "Global Covenant of Mayors for Climate & Energy",
        "signatory",
        dt.date(2017, 9, 1),
        None,
        None,
        25,
    ),
]

FIRST_NAMES = [
    "Erika",
    "Max",
    "Anna",
    "Jonas",
    "Lena",
    "Marco",
    "Sofia",
    "Tomás",
    "Yuki",
    "Mina",
    "Ana",
    "Diego",
    "Amira",
    "Kofi",
    "Olivia",
    "Liam",
    "Noor",
    "Pavel",
]
LAST_NAMES = [
    "Example",
    "Sample",
    "Placeholder",
    "Demo",
    "Specimen",
    "Mustermann",
    "Musterfrau",
    "Fictional",
    "Invented",
    "Testperson",
    "Exemplar",
]
HONORIFICS = ["Dr.", "", "Ms.", "Mr.", "Prof.", ""]
INTERACTION_KINDS = [
    (Interaction.Kind.CALL, "Video call on the annual work plan"),
    (Interaction.Kind.MEETING, "Meeting of the city diplomacy teams"),
    (Interaction.Kind.LETTER, "Letter of congratulations from the Mayor"),
    (Interaction.Kind.EVENT, "Joint cultural week"),
    (Interaction.Kind.VISIT, "Technical study visit"),
]
PROJECTS = [
    (
        "Danube Riverfront Revitalisation",
        "Interreg Danube Region",
        "1200000",
        ("Vienna", "Bratislava"),
        ("environment", "transport"),
    ),
    (
        "Free Cities Democracy Lab",
        "Citizens, Equality, Rights and Values (CERV)",
        "450000",
        ("Prague", "Warsaw", "Bratislava"),
        ("democracy-and-rule-of-law",),
    ),
    (
        "Climate-Resilient Schoolyards",
        "C40 Cities Finance Facility",
        "300000",
        ("Paris", "Barcelona"),
        ("climate", "education"),
    ),
    (
        "Smart Mobility Exchange",
        "Bilateral, self-funded",
        "80000",
        ("Tokyo", "Seoul"),
        ("transport", "innovation"),
    ),
    (
        "Cultural Seasons Exchange",
        "Creative Europe",
        "150000",
        ("Tel Aviv", "Buenos Aires", "Cluj-Napoca"),
        ("culture",),
    ),
]
AGREEMENT_KINDS: dict[str, tuple[str, str]] = {
    L.SISTER: ("twinning", "Twinning charter"),
    L.PARTNER: ("cooperation", "Cooperation agreement"),
    L.FRIENDSHIP: ("declaration", "Declaration of friendship"),
    L.COOPERATION: ("mou", "Memorandum of understanding"),
}


@cache
def _gazetteer_matches() -> dict[tuple[str, str], GazetteerCity]:
    """The demo cities by exact (name, country), the most populous first: one pass."""
    wanted = {(p.city, p.country) for p in PARTNERS}
    wanted.add((settings.HOME_CITY["name"], settings.HOME_CITY["country"]))
    return cities_by_name_and_country(wanted)


def _gazetteer_city(name: str, country: str) -> City:
    match = _gazetteer_matches().get((name, country))
    if match is None:
        raise LookupError(f"{name}, {country} is not in the gazetteer")
    city = (
        City.objects.filter(geonames_id=match["geonames_id"]).first()
        or City.objects.filter(name=match["name"], country=country, region="").first()
    )
    if city is None:
        city = City.objects.create(
            name=match["name"],
            country=country,
            population=match["population"] or None,
            latitude=Decimal(str(round(match["latitude"], 6))),
            longitude=Decimal(str(round(match["longitude"], 6))),
            timezone=match["timezone"],
            geonames_id=match["geonames_id"],
            name_hu=HUNGARIAN_NAMES.get(name, ""),
        )
    elif not city.name_hu and name in HUNGARIAN_NAMES:
        city.name_hu = HUNGARIAN_NAMES[name]
        city.save(update_fields=["name_hu"])
    return city


def _themes(slugs: tuple[str, ...]) -> list[Theme]:
    return list(Theme.objects.filter(slug__in=slugs))


def _person(index: int, domain: str) -> dict[str, str]:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 3) % len(LAST_NAMES)]
    return {
        "honorific": HONORIFICS[index % len(HONORIFICS)],
        "first_name": first,
        "last_name": last,
        "email": f"{slugify(first)}.{slugify(last)}@{domain}.example",
    }


def _contact(index: int, domain: str, **extra: Any) -> Contact:
    person = _person(index, domain)
    contact, _ = Contact.objects.get_or_create(
        email=person.pop("email"), defaults={**person, "languages": "en", **extra}
    )
    return contact


def _partnership(spec: DemoPartner, city: City, coordinator: Any, today: dt.date) -> Partnership:
    established = dt.date(spec.since, 5, 1) if spec.since else None
    defaults = {
        "level": spec.level,
        "status": spec.status,
        "proposed_on": (established or today - dt.timedelta(days=120)) - dt.timedelta(days=200),
        "established_on": established,
        "ended_on": dt.date(2020, 12, 31) if spec.status == S.ENDED else None,
        "council_resolution": (
            f"{len(spec.city) * 7}/{spec.since}. (V. 1.) Főv. Kgy." if spec.since else ""
        ),
        "coordinator": coordinator,
        "summary": f"Relationship between {settings.HOME_CITY['name']} and {spec.city}.",
        "is_public": spec.status == S.ACTIVE,
    }
    if spec.status == S.ENDED:
        partnership = Partnership.objects.filter(city=city, status=S.ENDED).first()
        if partnership is None:
            partnership = Partnership.objects.create(city=city, **defaults)
    else:
        partnership, _ = Partnership.objects.open().get_or_create(city=city, defaults=defaults)
    partnership.themes.add(*_themes(spec.themes))
    return partnership


def _agreement(
    spec: DemoPartner, partnership: Partnership, coordinator: Any, today: dt.date
) -> None:
    kind, label = AGREEMENT_KINDS[spec.level]
    home = settings.HOME_CITY["name"]
    title = f"{label} {home}\u2013{spec.city}"
    if spec.status in (S.PROPOSED, S.UNDER_REVIEW):
        status, signed_on, valid_until = "negotiation", None, None
    else:
        ended_or_suspended: dict[str, str] = {S.ENDED: "terminated", S.SUSPENDED: "signed"}
        status = ended_or_suspended.get(spec.status, "in_force")
        signed_on = dt.date(spec.since or 2000, 5, 1)
        valid_until = today + dt.timedelta(days=spec.expires_in) if spec.expires_in else None
    agreement, created = partnership.agreements.get_or_create(
        title=title,
        defaults={
            "kind": kind,
            "status": status,
            "signed_on": signed_on,
            "signed_at": home if (spec.since or 0) % 2 else spec.city,
            "valid_from": signed_on,
            "valid_until": valid_until,
            "signatory_home": f"Mayor of {home}" if signed_on else "",
            "signatory_partner": f"Mayor of {spec.city}" if signed_on else "",
            "coordinator": coordinator,
            "is_public": status == "in_force",
            "summary": f"Framework for cooperation between {home} and {spec.city}.",
        },
    )
    if created:
        agreement.cities.add(partnership.city)
        agreement.themes.add(*_themes(spec.themes))


def _people_and_history(
    index: int, spec: DemoPartner, partnership: Partnership, recorder: Any, today: dt.date
) -> None:
    city = partnership.city
    domain = slugify(spec.city)
    mayor = _contact(index * 2, domain, city=city, form_of_address="Your Excellency")
    officer = _contact(index * 2 + 1, domain, city=city, protocol_notes="Prefers email.")
    Office.objects.get_or_create(
        title=f"Mayor of {spec.city}",
        contact=mayor,
        defaults={"city": city, "started_on": dt.date(2019, 10, 1)},
    )
    Office.objects.get_or_create(
        title="Head of International Relations",
        contact=officer,
        defaults={"city": city, "started_on": dt.date(2021, 1, 1)},
    )
    if spec.status in (S.PROPOSED, S.UNDER_REVIEW):
        ages = [40 + index]
    elif spec.quiet or spec.status != S.ACTIVE:
        ages = [420 + 7 * index, 600 + 3 * index]  # nothing in the last 12 months
    else:
        ages = [5 + index, 120 + 2 * index, 300 + 3 * index, 560 + index]
    for n, age in enumerate(ages):
        kind, subject = INTERACTION_KINDS[(index + n) % len(INTERACTION_KINDS)]
        interaction, created = Interaction.objects.get_or_create(
            partnership=partnership,
            subject=f"{subject} ({spec.city})",
            defaults={
                "kind": kind,
                "occurred_on": today - dt.timedelta(days=age),
                "summary": "Notes kept by the City Diplomacy Unit.",
                "recorded_by": recorder,
                "is_public": kind == Interaction.Kind.EVENT,
            },
        )
        if created:
            interaction.contacts.add(mayor if n % 2 else officer)


def _memberships(coordinator: Any, today: dt.date) -> None:
    for index, (name, role, since, fee, fee_in, report_in) in enumerate(MEMBERSHIPS):
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            continue  # an administrator removed it: nothing to attach the membership to
        focal = _contact(
            100 + index, slugify(organization.acronym or name)[:20], organization=organization
        )
        Membership.objects.get_or_create(
            organization=organization,
            until=None,
            defaults={
                "role": role,
                "since": since,
                "annual_fee": Decimal(fee) if fee else None,
                "fee_due_on": today + dt.timedelta(days=fee_in) if fee_in is not None else None,
                "next_report_due_on": (
                    today + dt.timedelta(days=report_in) if report_in is not None else None
                ),
                "focal_point": focal,
                "coordinator": coordinator,
                "working_groups": "Climate; Mobility; Culture",
                "commitments": "Annual progress report; attendance of the general assembly.",
                "is_public": True,
            },
        )
        Interaction.objects.get_or_create(
            organization=organization,
            subject=f"General assembly of {organization.acronym or name}",
            defaults={
                "kind": Interaction.Kind.EVENT,
                "occurred_on": today - dt.timedelta(days=30 + 45 * index),
                "recorded_by": coordinator,
            },
        )


def _projects(coordinator: Any, today: dt.date) -> None:
    for n, (title, programme, budget, cities, themes) in enumerate(PROJECTS):
        project, created = Project.objects.get_or_create(
            title=title,
            defaults={
                "status": Project.Status.ACTIVE if n % 3 else Project.Status.COMPLETED,
                "funding_programme": programme,
                "budget": Decimal(budget),
                "starts_on": dt.date(2022 + n % 3, 1, 1),
                "ends_on": dt.date(2025 + n % 3, 12, 31),
                "coordinator": coordinator,
                "description": f"Cooperation project with {', '.join(cities)}.",
                "is_public": True,
            },
        )
        if created:
            project.partnerships.add(*Partnership.objects.open().filter(city__name__in=cities))
            project.themes.add(*_themes(themes))


@transaction.atomic
def seed_partners() -> dict[str, int]:
    """Create the demo relationship data (idempotent); return the number of partnerships."""
    today = timezone.localdate()
    coordinator = get_user_model().objects.filter(username="staff").first()
    home = settings.HOME_CITY
    _gazetteer_city(home["name"], home["country"])
    for index, spec in enumerate(PARTNERS):
        city = _gazetteer_city(spec.city, spec.country)
        partnership = _partnership(spec, city, coordinator if index % 4 else None, today)
        _agreement(spec, partnership, coordinator if index % 3 else None, today)
        _people_and_history(index, spec, partnership, coordinator, today)
    _memberships(coordinator, today)
    _projects(coordinator, today)
    seed_opportunities(coordinator, today)
    return {"partnerships": Partnership.objects.count(), "cities": City.objects.count()}
