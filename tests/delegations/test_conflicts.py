"""Conflict warnings: the same person on overlapping visits, overlapping visits in one city."""

from __future__ import annotations

import datetime as dt

import pytest

from delegations.conflicts import conflicts_for, conflicts_for_plan
from delegations.models import Visit
from tests.delegations.factories import ParticipantFactory, VisitFactory
from tests.factories import CityFactory, ContactFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _visit(start, end, **kwargs):
    return VisitFactory(start_date=start, end_date=end, **kwargs)


def test_same_contact_on_overlapping_visits(staff_user):
    guest = ContactFactory(first_name="Anna", last_name="Gast")
    a = _visit(D(2030, 5, 1), D(2030, 5, 3))
    b = _visit(D(2030, 5, 3), D(2030, 5, 6))
    c = _visit(D(2030, 5, 4), D(2030, 5, 6))  # overlaps b, not a
    for visit in (a, b, c):
        ParticipantFactory(visit=visit, contact=guest)
    ParticipantFactory(visit=a, contact=None, user=staff_user)
    ParticipantFactory(visit=c, contact=None, user=staff_user)  # a and c do not overlap

    found = conflicts_for([a, b, c])
    assert [(x.other_id, x.kind, x.subject) for x in found[a.pk]] == [(b.pk, "person", "Anna Gast")]
    assert {x.other_id for x in found[b.pk]} == {a.pk, c.pk}
    assert [x.other_id for x in found[c.pk]] == [b.pk]


def test_same_staff_user_and_same_city(staff_user):
    vienna = CityFactory(name="Vienna")
    a = _visit(D(2030, 6, 1), D(2030, 6, 2), cities=[vienna])
    b = _visit(D(2030, 6, 2), D(2030, 6, 2), cities=[vienna, CityFactory()])
    ParticipantFactory(visit=a, contact=None, user=staff_user)
    ParticipantFactory(visit=b, contact=None, user=staff_user)
    kinds = {(x.kind, x.subject) for x in conflicts_for([a])[a.pk]}
    assert kinds == {("city", "Vienna"), ("person", staff_user.get_full_name())}


def test_declined_and_cancelled_visits_do_not_conflict():
    vienna = CityFactory(name="Vienna")
    a = _visit(D(2030, 6, 1), D(2030, 6, 2), cities=[vienna])
    _visit(D(2030, 6, 1), D(2030, 6, 2), cities=[vienna], status=Visit.Status.CANCELLED)
    _visit(D(2030, 6, 1), D(2030, 6, 2), cities=[vienna], status=Visit.Status.DECLINED)
    _visit(D(2030, 6, 3), D(2030, 6, 4), cities=[vienna])  # after, no overlap
    assert conflicts_for([a]) == {}


def test_plan_conflicts_for_the_form():
    vienna = CityFactory(name="Vienna")
    other = _visit(D(2030, 7, 10), D(2030, 7, 12), cities=[vienna])
    found = conflicts_for_plan(start=D(2030, 7, 12), end=D(2030, 7, 14), city_ids=[vienna.pk])
    assert [x.other_id for x in found] == [other.pk]
    assert conflicts_for_plan(start=D(2030, 7, 13), end=D(2030, 7, 14), city_ids=[vienna.pk]) == []
    # Editing the visit itself never conflicts with itself.
    assert (
        conflicts_for_plan(
            start=D(2030, 7, 10), end=D(2030, 7, 12), city_ids=[vienna.pk], visit=other
        )
        == []
    )


def test_a_page_costs_four_queries_whatever_its_size(django_assert_num_queries):
    city = CityFactory()
    visits = []
    for i in range(10):
        visit = _visit(
            D(2030, 8, 1) + dt.timedelta(days=i),
            D(2030, 8, 3) + dt.timedelta(days=i),
            cities=[city],
        )
        ParticipantFactory(visit=visit)
        visits.append(visit)
    with django_assert_num_queries(4):
        found = conflicts_for(visits)
    assert all(found[v.pk] for v in visits)
    with django_assert_num_queries(4):
        conflicts_for(visits[:1])


@pytest.mark.parametrize(
    ("start", "end"),
    [(1, 1), (3, 3), (4, 4), (0, 2), (5, 9), (2, 6), (-5, 0), (10, 20)],
)
def test_overlapping_uses_the_date_range_and_agrees_with_the_dates(start, end):
    """On PostgreSQL ``overlapping`` asks the GiST-indexed range; the days it returns are exactly
    those of the plain date comparison, both ends included."""
    from django.db import connection

    base = dt.date(2031, 3, 1)
    spans = [(0, 0), (1, 3), (3, 4), (4, 8), (9, 9), (-3, -1), (6, 30)]
    for i, (a, b) in enumerate(spans):
        VisitFactory(
            title=f"Span {i}", start_date=base + dt.timedelta(a), end_date=base + dt.timedelta(b)
        )
    first, last = base + dt.timedelta(start), base + dt.timedelta(end)
    found = Visit.objects.overlapping(first, last)
    plain = Visit.objects.filter(start_date__lte=last, end_date__gte=first)
    assert set(found.values_list("title", flat=True)) == set(plain.values_list("title", flat=True))
    if connection.vendor == "postgresql":
        assert "daterange" in str(found.query) and "&&" in str(found.query)
