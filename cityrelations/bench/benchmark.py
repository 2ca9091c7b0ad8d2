"""The benchmark behind ``make bench``: a large data set, then query counts and server times.

Data is built in steps (by default 10% then 100% of the target), and every page is measured at
each step, so the report shows both the timings and whether query counts grow with the data.
Server time is measured in-process through Django's test client (middleware, view, template),
which leaves out only the network and the WSGI server.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from partners.geo import continent_for_country
from partners.models import (
    Agreement,
    City,
    Contact,
    Interaction,
    Organization,
    Partnership,
    Task,
    Theme,
)
from partners.models.base import city_search_names

TARGETS = {
    "partnerships": 5_000,
    "organizations": 2_000,
    "contacts": 100_000,
    "interactions": 200_000,
    "agreements": 20_000,
    "tasks": 10_000,  # all the benchmark user's: "my tasks" at its worst
}
COUNTRIES = [
    "AT",
    "CZ",
    "PL",
    "SK",
    "DE",
    "FR",
    "IT",
    "ES",
    "PT",
    "JP",
    "CN",
    "KR",
    "US",
    "CA",
    "BR",
    "AR",
    "EG",
    "KE",
    "AU",
    "NZ",
    "IN",
    "IL",
    "TR",
    "GB",
    "NL",
    "BE",
    "SE",
    "FI",
]
BATCH = 5_000


@dataclass
class Measurement:
    name: str
    queries: int
    p50_ms: float
    p95_ms: float
    status: int


def _bulk(model: type[models.Model], objects: list[Any], *, batch: int = BATCH) -> None:
    model._default_manager.bulk_create(objects, batch_size=batch)


def _grow_cities_and_partnerships(rng: random.Random, goal: int) -> None:
    """Bench cities, each with one partnership (tagged with a theme), up to ``goal``."""
    have = City.objects.filter(name__startswith="Bench City ").count()
    missing = goal - have
    if missing <= 0:
        return
    _bulk(
        City,
        [
            City(
                name=f"Bench City {have + i}",
                # bulk_create skips save(), which fills the search text too
                search_names=city_search_names(f"Bench City {have + i}", ""),
                country=COUNTRIES[(have + i) % len(COUNTRIES)],
                region=f"Region {(have + i) % 50}",
                population=rng.randint(20_000, 9_000_000),
                latitude=Decimal(f"{rng.uniform(-60, 70):.4f}"),
                longitude=Decimal(f"{rng.uniform(-170, 170):.4f}"),
                timezone="UTC",
                continent="",
            )
            for i in range(missing)
        ],
    )
    # bulk_create skips save(), which fills the continent; do it set-wise per country.
    for code in COUNTRIES:
        City.objects.filter(country=code, continent="").update(
            continent=continent_for_country(code)
        )
    levels = [c[0] for c in Partnership.Level.choices]
    statuses = ["active"] * 6 + ["dormant", "proposed", "under_review", "suspended"]
    new_cities = City.objects.filter(name__startswith="Bench City ", partnerships__isnull=True)
    _bulk(
        Partnership,
        [
            Partnership(
                city=city,
                level=rng.choice(levels),
                status=rng.choice(statuses),
                established_on=dt.date(rng.randint(1990, 2024), rng.randint(1, 12), 1),
                summary="Cooperation on urban development, culture and climate.",
            )
            for city in new_cities
        ],
    )
    _tag_untagged_partnerships(rng)


def _tag_untagged_partnerships(rng: random.Random) -> None:
    themes = list(Theme.objects.all())
    through = Partnership.themes.through
    untagged = Partnership.objects.filter(themes__isnull=True).values_list("pk", flat=True)
    _bulk(
        through, [through(partnership_id=pid, theme_id=rng.choice(themes).pk) for pid in untagged]
    )


def _grow_organizations(rng: random.Random, goal: int) -> None:
    have = Organization.objects.filter(name__startswith="Bench Org ").count()
    kinds = [c[0] for c in Organization.Kind.choices]
    _bulk(
        Organization,
        [
            Organization(
                name=f"Bench Org {have + i}", kind=rng.choice(kinds), country=rng.choice(COUNTRIES)
            )
            for i in range(max(0, goal - have))
        ],
    )


def _grow_contacts(rng: random.Random, goal: int, city_ids: list[int], org_ids: list[int]) -> None:
    have = Contact.objects.filter(notes="bench").count()
    first = ["Alex", "Maria", "Jan", "Eva", "Kenji", "Ana", "Omar", "Lena", "Piotr", "Chloe"]
    _bulk(
        Contact,
        [
            Contact(
                first_name=rng.choice(first),
                last_name=f"Example{have + i}",
                email=f"contact{have + i}@bench.example",
                city_id=rng.choice(city_ids),
                organization_id=rng.choice(org_ids) if i % 3 == 0 else None,
                notes="bench",
            )
            for i in range(max(0, goal - have))
        ],
    )


def _grow_interactions(
    rng: random.Random, goal: int, partnership_ids: list[int], org_ids: list[int]
) -> None:
    """Three in four with a partnership, the others with an organisation, up to 4 years old."""
    have = Interaction.objects.filter(summary="bench").count()
    kinds = [c[0] for c in Interaction.Kind.choices]
    today = dt.date.today()
    _bulk(
        Interaction,
        [
            Interaction(
                kind=rng.choice(kinds),
                subject=f"Bench interaction {have + i}",
                summary="bench",
                occurred_on=today - dt.timedelta(days=rng.randint(0, 1500)),
                partnership_id=rng.choice(partnership_ids) if i % 4 else None,
                organization_id=None if i % 4 else rng.choice(org_ids),
            )
            for i in range(max(0, goal - have))
        ],
    )


def _grow_agreements(rng: random.Random, goal: int, partnership_ids: list[int]) -> None:
    have = Agreement.objects.filter(summary="bench").count()
    kinds = [c[0] for c in Agreement.Kind.choices]
    statuses = [c[0] for c in Agreement.Status.choices]
    today = dt.date.today()
    _bulk(
        Agreement,
        [
            Agreement(
                title=f"Bench agreement {have + i}",
                kind=rng.choice(kinds),
                status=rng.choice(statuses),
                summary="bench",
                partnership_id=rng.choice(partnership_ids),
                signed_on=today - dt.timedelta(days=rng.randint(30, 4000)),
                valid_until=today + dt.timedelta(days=rng.randint(-400, 1500)),
            )
            for i in range(max(0, goal - have))
        ],
    )


def _grow_tasks(
    rng: random.Random, goal: int, records: dict[type[models.Model], list[int]]
) -> None:
    """The benchmark user's tasks: linked to partnerships, organisations and contacts in turn,
    due from a month ago to three months ahead, one in four done."""
    owner = _bench_user(DIPLOMACY_UNIT)
    have = Task.objects.filter(owner=owner, notes="bench").count()
    kinds = [(ContentType.objects.get_for_model(m), ids) for m, ids in records.items() if ids]
    today = dt.date.today()
    rows = []
    for i in range(max(0, goal - have)):
        content_type, ids = kinds[i % len(kinds)]
        rows.append(
            Task(
                title=f"Bench task {have + i}",
                notes="bench",
                owner=owner,
                due_on=today + dt.timedelta(days=rng.randint(-30, 90)),
                state=Task.State.DONE if i % 4 == 0 else Task.State.OPEN,
                content_type=content_type,
                object_id=rng.choice(ids),
            )
        )
    _bulk(Task, rows)


def grow_partners(fraction: float, *, seed: int = 7) -> dict[str, int]:
    """Top the partners tables up to ``fraction`` of TARGETS (idempotent: counts what is there)."""
    rng = random.Random(seed + int(fraction * 1000))
    goal = {key: int(value * fraction) for key, value in TARGETS.items()}
    _grow_cities_and_partnerships(rng, goal["partnerships"])
    _grow_organizations(rng, goal["organizations"])
    city_ids = list(City.objects.values_list("pk", flat=True))
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    partnership_ids = list(Partnership.objects.values_list("pk", flat=True))
    _grow_contacts(rng, goal["contacts"], city_ids, org_ids)
    _grow_interactions(rng, goal["interactions"], partnership_ids, org_ids)
    _grow_agreements(rng, goal["agreements"], partnership_ids)
    contact_ids = list(Contact.objects.values_list("pk", flat=True)[:5000])
    records: dict[type[models.Model], list[int]] = {
        Partnership: partnership_ids,
        Organization: org_ids,
        Contact: contact_ids,
    }
    _grow_tasks(rng, goal["tasks"], records)
    return {
        "partnerships": Partnership.objects.count(),
        "organizations": Organization.objects.count(),
        "contacts": Contact.objects.count(),
        "interactions": Interaction.objects.count(),
        "agreements": Agreement.objects.count(),
        "tasks": Task.objects.count(),
    }


def _bench_user(group: str) -> Any:
    username = "bench-staff" if group == DIPLOMACY_UNIT else "bench-mayor"
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def bench_client(group: str = DIPLOMACY_UNIT) -> Client:
    user = _bench_user(group)
    client = Client()
    client.force_login(user)
    return client


def measure(name: str, client: Client, url: str, *, runs: int = 30, warmup: int = 3) -> Measurement:
    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    # Read now: the query log is reset at the start of every later request.
    queries = len(captured)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return Measurement(
        name=name,
        queries=queries,
        p50_ms=statistics.median(timings),
        p95_ms=p95,
        status=response.status_code,
    )


def partners_pages() -> list[tuple[str, str, Callable[[], Client]]]:
    busiest = (
        Interaction.objects.exclude(partnership=None)
        .values("partnership")
        .order_by("partnership")
        .first()
    )
    partnership_id = (
        busiest["partnership"]
        if busiest
        else Partnership.objects.values_list("pk", flat=True).first()
    )
    return [
        ("dashboard", reverse("dashboard"), bench_client),
        (
            "partnership list (filtered, sorted)",
            reverse("partners:partnership_list") + "?status=active&continent=EU&sort=-last_contact",
            bench_client,
        ),
        (
            "partnership detail",
            reverse("partners:partnership_detail", args=[partnership_id]),
            bench_client,
        ),
        ("contact search", reverse("partners:contact_list") + "?q=Example1234", bench_client),
        ("global search", reverse("search") + "?q=Bench%20City%2012", bench_client),
        ("map data", reverse("partners:map_data"), bench_client),
        ("my tasks", reverse("partners:task_list"), bench_client),
        ("my tasks, overdue", reverse("partners:task_list") + "?due=overdue", bench_client),
    ]


VISITS_TARGET = 50_000


def grow_delegations(fraction: float) -> dict[str, int]:
    from delegations.bench.visits import build_visits

    return build_visits(int(VISITS_TARGET * fraction))


def delegations_pages() -> list[tuple[str, str, Callable[[], Client]]]:
    from delegations.bench.visits import bench_pages

    today = dt.date.today()
    mayor = lambda: bench_client(MAYORS_OFFICE)  # noqa: E731
    pages: list[tuple[str, str, Callable[[], Client]]] = [
        ("review queue (mayor)", reverse("delegations:review_queue"), mayor),
        (
            "calendar month (mayor)",
            reverse("delegations:calendar") + f"?month={today:%Y-%m}",
            mayor,
        ),
        (
            "visit list (filtered)",
            reverse("delegations:visit_list") + "?status=completed",
            bench_client,
        ),
    ]
    pages += [(name, url, bench_client) for name, url in bench_pages()]
    return pages


def briefing_book_seconds() -> float:
    from delegations.bench.visits import measure_briefing_book

    return measure_briefing_book()
