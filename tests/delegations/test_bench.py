"""The delegations benchmark helpers, with a small n (timings are the benchmark's job)."""

from __future__ import annotations

import pytest

from delegations.bench.visits import (
    BENCH_PREFIX,
    BRIEFING_AGENDA_ITEMS,
    BRIEFING_PARTICIPANTS,
    bench_pages,
    briefing_bench_visit,
    build_visits,
    measure_briefing_book,
)
from delegations.models import AgendaItem, Participant, Visit
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_build_visits_tops_up_to_n():
    PartnershipFactory()
    build_visits(12)
    bench = Visit.objects.filter(title__startswith=BENCH_PREFIX)
    assert bench.count() == 12
    assert Participant.objects.filter(visit__in=bench).count() == 12 * 3
    assert AgendaItem.objects.filter(visit__in=bench).count() == 12 * 4
    assert bench.filter(cities__isnull=False).exists()
    build_visits(12)
    assert bench.count() == 12
    build_visits(20)
    assert bench.count() == 20


def test_measure_briefing_book_renders_the_large_visit(staff_client):
    PartnershipFactory()
    visit = briefing_bench_visit()
    assert visit.agenda_items.count() == BRIEFING_AGENDA_ITEMS
    assert visit.participants.count() == BRIEFING_PARTICIPANTS
    assert briefing_bench_visit() == visit
    seconds = measure_briefing_book(visit, warmup=False)
    assert seconds > 0
    for _name, url in bench_pages():
        assert staff_client.get(url).status_code == 200
