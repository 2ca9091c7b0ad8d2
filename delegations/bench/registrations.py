"""A rush on a hosted event's registration (``manage.py bench_registrations``).

``registration_rush(n, capacity, threads)`` makes a published bench event with ``capacity``
seats and has ``n`` people register and confirm their address at once from ``threads``
parallel threads, each with its own database connection, through the same services as the
public pages (``delegations.registrations``). The seats are counted under the event's row lock,
so the rush must end with exactly ``capacity`` confirmed and the rest waitlisted, with no
errors. The bench event is deleted afterwards unless ``keep``: its emails' tasks then find
nothing to send.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from ..models import Event, Registration
from ..registrations import confirm, register

BENCH_TITLE = "Bench registration rush"


@dataclass
class RushResult:
    event_id: int
    seconds: float
    confirmed: int
    waitlisted: int
    other: int
    errors: list[str] = field(default_factory=list)
    timings: list[float] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.timings:
            return 0.0
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def median(self) -> float:
        return statistics.median(self.timings) if self.timings else 0.0


def bench_event(capacity: int) -> Event:
    start = timezone.now() + dt.timedelta(days=60)
    return Event.objects.create(
        kind=Event.Kind.CONFERENCE,
        title_en=BENCH_TITLE,
        title_hu="Tesztesemény: jelentkezési roham",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
        capacity=capacity,
        status=Event.Status.PUBLISHED,
    )


def _one(
    event_id: int, index: int, errors: list[str], timings: list[float], lock: threading.Lock
) -> None:
    started = time.perf_counter()
    try:
        event = Event.objects.get(pk=event_id)
        registration = register(
            event=event,
            email=f"rush{index}@bench.example",
            name=f"Bench participant {index}",
            country="HU",
            language="hu" if index % 2 else "en",
            consent_language="en",
        )
        confirm(registration=registration)
    except Exception:  # the bench reports every failure instead of stopping at the first
        with lock:
            errors.append(traceback.format_exc(limit=3))
    finally:
        connection.close()  # each worker thread has its own connection: give it back
    with lock:
        timings.append(time.perf_counter() - started)


def registration_rush(
    n: int = 300, capacity: int = 100, threads: int = 16, *, keep: bool = False
) -> RushResult:
    event = bench_event(capacity)
    errors: list[str] = []
    timings: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for index in range(n):
            pool.submit(_one, event.pk, index, errors, timings, lock)
    seconds = time.perf_counter() - started
    counts = event.registrations.status_counts()
    result = RushResult(
        event_id=event.pk,
        seconds=seconds,
        confirmed=counts.get(Registration.Status.CONFIRMED, 0),
        waitlisted=counts.get(Registration.Status.WAITLISTED, 0),
        other=sum(v for k, v in counts.items() if k not in ("confirmed", "waitlisted")),
        errors=errors,
        timings=timings,
    )
    if not keep:
        event.delete()
    return result
