"""Conflict warnings: the same person on two overlapping visits, or two overlapping visits in
the same city. Warnings only — they never block a save or a decision.

For a page of visits this costs four queries whatever the page size: the page's people and
cities, then every other live visit that shares one of them inside the page's date window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Q, QuerySet

from partners.models import local_city_name

from .models import Participant, Visit, date_span

DEAD = (Visit.Status.DECLINED, Visit.Status.CANCELLED)

# The page's visits by id; a visit being planned has none yet (``None``).
_VisitKey = TypeVar("_VisitKey", bound=int | None)


@dataclass(frozen=True, order=True)
class Conflict:
    other_start: dt.date
    other_id: int
    other_title: str
    kind: str  # "person" or "city"
    subject: str  # the person's or the city's name

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass(frozen=True)
class _Span:
    pk: int | None
    start: dt.date
    end: dt.date


def _overlaps(a: _Span, start: dt.date, end: dt.date) -> bool:
    return a.start <= end and start <= a.end


def _windows(spans: Sequence[_Span]) -> list[tuple[dt.date, dt.date]]:
    """The page's date spans merged into as few disjoint windows as possible: a page that mixes
    an old visit with next month's looks up two short windows, not every visit in between."""
    merged: list[tuple[dt.date, dt.date]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span.end))
        else:
            merged.append((span.start, span.end))
    return merged


def _others_in_windows(queryset: QuerySet[Any], spans: Sequence[_Span], *fields: str) -> Any:
    """Rows (a participant, a visit's city) of live visits overlapping any of the page's windows:
    the visit's id, title and dates, then ``fields``. Each window is an indexed condition (the
    visit's date range on PostgreSQL, its dates elsewhere)."""
    condition = Q()
    if connections[queryset.db].vendor == "postgresql":
        queryset = queryset.alias(visit_span=date_span("visit__"))
        for start, end in _windows(spans):
            condition |= Q(visit_span__overlap=DateRange(start, end, "[]"))
    else:
        for start, end in _windows(spans):
            condition |= Q(visit__start_date__lte=end, visit__end_date__gte=start)
    return (
        queryset.exclude(visit__status__in=DEAD)
        .filter(condition)
        .order_by()
        .values_list("visit_id", "visit__title", "visit__start_date", "visit__end_date", *fields)
    )


def _invert(
    keys: dict[_VisitKey, set[Any]], spans: dict[_VisitKey, _Span]
) -> dict[Any, list[_VisitKey]]:
    """Page visits by person or city, so each looked-up row is matched only against the page
    visits that share its person or city."""
    inverted: dict[Any, list[_VisitKey]] = defaultdict(list)
    for pk, items in keys.items():
        if pk in spans:
            for item in items:
                inverted[item].append(pk)
    return inverted


def _person_conflicts(
    spans: dict[_VisitKey, _Span], people: dict[_VisitKey, set[tuple[str, int]]]
) -> dict[_VisitKey, set[Conflict]]:
    found: dict[_VisitKey, set[Conflict]] = defaultdict(set)
    contact_ids = {pid for keys in people.values() for kind, pid in keys if kind == "contact"}
    user_ids = {pid for keys in people.values() for kind, pid in keys if kind == "user"}
    if not contact_ids and not user_ids:
        return found
    by_person = _invert(people, spans)
    rows = _others_in_windows(
        Participant.objects.filter(Q(contact_id__in=contact_ids) | Q(user_id__in=user_ids)),
        list(spans.values()),
        "contact_id",
        "user_id",
        "contact__first_name",
        "contact__last_name",
        "user__first_name",
        "user__last_name",
        "user__username",
    )
    for (
        vid,
        title,
        v_start,
        v_end,
        contact_id,
        user_id,
        c_first,
        c_last,
        u_first,
        u_last,
        username,
    ) in rows:
        if contact_id:
            key, name = ("contact", contact_id), f"{c_first} {c_last}".strip()
        else:
            key, name = ("user", user_id), f"{u_first} {u_last}".strip() or username
        for pk in by_person.get(key, ()):
            if pk != vid and _overlaps(spans[pk], v_start, v_end):
                found[pk].add(Conflict(v_start, vid, title, "person", name))
    return found


def _city_conflicts(
    spans: dict[_VisitKey, _Span], cities: dict[_VisitKey, set[int]]
) -> dict[_VisitKey, set[Conflict]]:
    found: dict[_VisitKey, set[Conflict]] = defaultdict(set)
    city_ids = set().union(*cities.values()) if cities else set()
    if not city_ids:
        return found
    by_city = _invert(cities, spans)
    through = Visit.cities.through
    rows = _others_in_windows(
        through.objects.filter(city_id__in=city_ids),
        list(spans.values()),
        "city_id",
        "city__name",
        "city__name_hu",
    )
    for vid, title, v_start, v_end, city_id, city_name, city_name_hu in rows:
        name = local_city_name(city_name, city_name_hu)
        for pk in by_city.get(city_id, ()):
            if pk != vid and _overlaps(spans[pk], v_start, v_end):
                found[pk].add(Conflict(v_start, vid, title, "city", name))
    return found


def _merge(*parts: dict[_VisitKey, set[Conflict]]) -> dict[_VisitKey, list[Conflict]]:
    merged: dict[_VisitKey, list[Conflict]] = {}
    for part in parts:
        for pk, items in part.items():
            merged.setdefault(pk, []).extend(items)
    return {pk: sorted(items) for pk, items in merged.items()}


def person_key(participant: Participant) -> tuple[str, int]:
    if participant.contact_id:
        return ("contact", participant.contact_id)
    assert participant.user_id is not None  # participant_is_contact_or_user
    return ("user", participant.user_id)


def conflicts_for(
    visits: Iterable[Visit],
    *,
    people: dict[int, set[tuple[str, int]]] | None = None,
    cities: dict[int, set[int]] | None = None,
) -> dict[int, list[Conflict]]:
    """Conflicts of each live visit on a page, keyed by visit id; visits without any are absent.

    A caller that has already loaded the visits' participants (``people``: visit id → person
    keys) or cities (visit id → city ids) passes them, and those look-ups are not repeated."""
    spans: dict[int, _Span] = {
        v.pk: _Span(v.pk, v.start_date, v.end_date) for v in visits if v.status not in DEAD
    }
    if not spans:
        return {}
    page_ids = list(spans)
    if people is None:
        people = defaultdict(set)
        for vid, contact_id, user_id in Participant.objects.filter(
            visit_id__in=page_ids
        ).values_list("visit_id", "contact_id", "user_id"):
            people[vid].add(("contact", contact_id) if contact_id else ("user", user_id))
    if cities is None:
        cities = defaultdict(set)
        for vid, city_id in Visit.cities.through.objects.filter(visit_id__in=page_ids).values_list(
            "visit_id", "city_id"
        ):
            cities[vid].add(city_id)
    merged = _merge(
        _person_conflicts(spans, people),
        _city_conflicts(spans, cities),
    )
    return merged


def conflicts_for_plan(
    *, start: dt.date, end: dt.date, city_ids: Iterable[int], visit: Visit | None = None
) -> list[Conflict]:
    """Conflicts of a visit as it is being edited (dates and cities from the form; people from
    the saved visit, if any) — for the warning on the visit form."""
    pk = visit.pk if visit is not None else None
    spans = {pk: _Span(pk, start, end)}
    people: dict[int | None, set[tuple[str, int]]] = {pk: set()}
    if visit is not None and pk is not None:
        for contact_id, user_id in visit.participants.values_list("contact_id", "user_id"):
            people[pk].add(("contact", contact_id) if contact_id else ("user", user_id))
    cities: dict[int | None, set[int]] = {pk: set(city_ids)}
    return _merge(_person_conflicts(spans, people), _city_conflicts(spans, cities)).get(pk, [])


def with_conflicts(
    visits: Iterable[Visit], *, cities: dict[int, set[int]] | None = None
) -> list[Visit]:
    """The visits, each with a ``conflict_list`` attribute (for templates)."""
    visits = list(visits)
    found = conflicts_for(visits, cities=cities)
    for visit in visits:
        visit.conflict_list = found.get(visit.pk, [])  # type: ignore[attr-defined]
    return visits
