"""The delegations part of the benchmark (``manage.py benchmark`` calls these).

``build_visits(n)`` tops the data set up to ``n`` bench visits with participants, itinerary,
logistics, follow-ups and gifts, set-wise (bulk_create), so 50,000 visits take a minute or two
on PostgreSQL. ``measure_briefing_book()`` times one render of the briefing book of a visit
with 30 agenda items and 50 participants.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from partners.models import Contact, Partnership, Task

from ..briefing import render_briefing_book
from ..models import AgendaItem, Gift, LogisticsItem, Participant, Visit

BENCH_PREFIX = "Bench visit "
BRIEFING_VISIT_TITLE = "Bench briefing book visit"
BATCH = 5_000
CHUNK = 5_000  # visits per round: keeps memory flat at any n
PARTICIPANTS_PER_VISIT = 3
AGENDA_PER_VISIT = 4
BRIEFING_AGENDA_ITEMS = 30
BRIEFING_PARTICIPANTS = 50
MIN_CONTACTS = 200

STATUS_WEIGHTS = [
    (Visit.Status.DRAFT, 10),
    (Visit.Status.SUBMITTED, 5),
    (Visit.Status.APPROVED, 5),
    (Visit.Status.CHANGES_REQUESTED, 3),
    (Visit.Status.DECLINED, 3),
    (Visit.Status.CONFIRMED, 8),
    (Visit.Status.COMPLETED, 60),
    (Visit.Status.CANCELLED, 6),
]


def _contact_ids(minimum: int) -> list[int]:
    """Contacts to draw participants from; creates bench contacts when there are too few."""
    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    if len(ids) < minimum:
        Contact.objects.bulk_create(
            [
                Contact(first_name="Bench", last_name=f"Participant {i}", notes="bench")
                for i in range(minimum - len(ids))
            ],
            batch_size=BATCH,
        )
        ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    return ids


def _visits(count: int, offset: int, rng: random.Random, partnerships: list[Any]) -> list[Visit]:
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    today = timezone.localdate()
    visits = []
    for i in range(count):
        start = today + dt.timedelta(days=rng.randint(-1500, 365))
        partnership = rng.choice(partnerships) if partnerships else None
        visits.append(
            Visit(
                title=f"{BENCH_PREFIX}{offset + i}",
                direction=rng.choice(Visit.Direction.values),
                level=rng.choice(Visit.Level.values),
                status=rng.choices(statuses, weights)[0],
                purpose="Benchmark visit: exchange of good practice.",
                start_date=start,
                end_date=start + dt.timedelta(days=rng.randint(0, 4)),
                partnership_id=partnership[0] if partnership else None,
                budget=Decimal(rng.randint(500, 20_000)),
            )
        )
    return Visit.objects.bulk_create(visits, batch_size=BATCH)


def _visit_rows(visit: Visit, rng: random.Random, contacts: list[int]) -> list[models.Model]:
    """A bench visit's participants, itinerary and checklist, and for a completed one its
    follow-up and (one in five) a gift."""
    rows: list[models.Model] = [
        Participant(visit=visit, contact_id=contact_id, precedence=precedence)
        for precedence, contact_id in enumerate(rng.sample(contacts, PARTICIPANTS_PER_VISIT), 1)
    ]
    rows += [
        AgendaItem(
            visit=visit,
            date=visit.start_date,
            start_time=dt.time(9 + 2 * n),
            end_time=dt.time(10 + 2 * n),
            title=f"Meeting {n + 1}",
            venue="City Hall",
        )
        for n in range(AGENDA_PER_VISIT)
    ]
    rows += [
        LogisticsItem(
            visit=visit,
            kind=kind,
            due_on=visit.start_date - dt.timedelta(days=rng.randint(3, 40)),
            state=rng.choice(LogisticsItem.State.values),
        )
        for kind in rng.sample(LogisticsItem.Kind.values, 2)
    ]
    if visit.status == Visit.Status.COMPLETED:
        rows += _completed_visit_rows(visit, rng)
    return rows


def _completed_visit_rows(visit: Visit, rng: random.Random) -> list[models.Model]:
    rows: list[models.Model] = [
        Task(
            record=visit,
            title="Send the minutes",
            due_on=visit.end_date + dt.timedelta(days=30),
            state=Task.State.DONE if rng.random() < 0.7 else Task.State.OPEN,
        )
    ]
    if rng.random() < 0.2:
        rows.append(
            Gift(
                visit=visit,
                direction=rng.choice(Gift.Direction.values),
                description="Commemorative plate",
                counterpart="Mayor",
                value=Decimal(rng.randint(20, 800)),
                date=visit.start_date,
                notes="bench",
            )
        )
    return rows


def _children(visits: list[Visit], rng: random.Random, contacts: list[int], cities: dict) -> None:
    """The rows that belong to the visits, written set-wise, one model after the other."""
    city_through = Visit.cities.through
    rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for visit in visits:
        for row in _visit_rows(visit, rng, contacts):
            rows[type(row)].append(row)
        if visit.partnership_id and visit.partnership_id in cities:
            link = city_through(visit_id=visit.pk, city_id=cities[visit.partnership_id])
            rows[city_through].append(link)
    order: tuple[type[models.Model], ...] = (
        Participant,
        AgendaItem,
        LogisticsItem,
        Task,
        Gift,
        city_through,
    )
    for model in order:
        model._default_manager.bulk_create(rows[model], batch_size=BATCH)


def build_visits(n: int = 50_000, *, seed: int = 11) -> dict[str, int]:
    """Top the bench visits up to ``n`` (idempotent: counts those already there)."""
    rng = random.Random(seed)
    have = Visit.objects.filter(title__startswith=BENCH_PREFIX).count()
    if have < n:
        contacts = _contact_ids(MIN_CONTACTS)
        partnerships = list(Partnership.objects.values_list("pk", "city_id"))
        cities = dict(partnerships)
        while have < n:
            count = min(CHUNK, n - have)
            with transaction.atomic():
                visits = _visits(count, have, rng, partnerships)
                _children(visits, rng, contacts, cities)
            have += count
    return {
        "visits": Visit.objects.count(),
        "participants": Participant.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "gifts": Gift.objects.count(),
    }


def briefing_bench_visit() -> Visit:
    """A visit with 30 agenda items and 50 participants (created once, then reused)."""
    visit = Visit.objects.filter(title=BRIEFING_VISIT_TITLE).first()
    if visit is not None:
        return visit
    partnership = Partnership.objects.select_related("city").order_by("pk").first()
    start = timezone.localdate() + dt.timedelta(days=20)
    with transaction.atomic():
        visit = Visit.objects.create(
            title=BRIEFING_VISIT_TITLE,
            direction=Visit.Direction.INCOMING,
            level=Visit.Level.MAYOR,
            start_date=start,
            end_date=start + dt.timedelta(days=4),
            partnership=partnership,
            purpose="A long programme: the briefing book's worst realistic case.\n" * 5,
        )
        if partnership is not None:
            visit.cities.add(partnership.city)
        contacts = _contact_ids(BRIEFING_PARTICIPANTS)[:BRIEFING_PARTICIPANTS]
        Participant.objects.bulk_create(
            Participant(
                visit=visit,
                contact_id=contact_id,
                precedence=n,
                role="Delegate",
                dietary="Vegetarian" if n % 5 == 0 else "",
                notes="Arrives a day early." if n % 7 == 0 else "",
            )
            for n, contact_id in enumerate(contacts, 1)
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(
                visit=visit,
                date=start + dt.timedelta(days=n // 6),
                start_time=dt.time(8 + (n % 6) * 2),
                end_time=dt.time(9 + (n % 6) * 2),
                title=f"Programme item {n + 1}",
                venue="City Hall, Ceremonial Hall",
                attendees="Mayor; Deputy mayor for urban development; interpreters",
                notes="Dress code: business.",
            )
            for n in range(BRIEFING_AGENDA_ITEMS)
        )
    return visit


def measure_briefing_book(visit: Visit | None = None, *, warmup: bool = True) -> float:
    """Seconds for one render of the briefing book PDF (queries, template and WeasyPrint).

    The first render in a process also loads fonts; ``warmup`` keeps that out of the figure.
    """
    visit = visit or briefing_bench_visit()
    if warmup:
        render_briefing_book(visit)
    started = time.perf_counter()
    pdf = render_briefing_book(visit)
    elapsed = time.perf_counter() - started
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("The briefing book did not render a PDF.")
    return elapsed


def bench_pages() -> list[tuple[str, str]]:
    """(name, url) of the delegations pages this part owns, for the page timings."""
    visit = briefing_bench_visit()
    return [
        ("gifts register (staff)", reverse("delegations:gift_list") + "?sort=-value"),
        ("gifts register (public)", reverse("delegations:gift_public") + "?q=plate"),
        ("visit detail (50 participants)", reverse("delegations:visit_detail", args=[visit.pk])),
    ]
