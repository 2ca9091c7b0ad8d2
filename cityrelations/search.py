"""Global search across cities, partnerships, organisations, contacts and agreements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from partners.models import Agreement, City, Contact, Organization, Partnership

PER_KIND = 10


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    detail: str
    url: str


def _words(query: str) -> list[str]:
    return [w for w in query.split() if w][:6]


def _all_words(fields: tuple[str, ...], words: list[str]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def global_search(query: str) -> dict[str, list[Hit]]:
    words = _words(query)
    if not words:
        return {}
    results: dict[str, list[Any]] = {}
    cities = City.objects.filter(_all_words(("name", "region"), words))[:PER_KIND]
    results["cities"] = [Hit("city", str(c), c.region, c.get_absolute_url()) for c in cities]
    partnerships = Partnership.objects.select_related("city").filter(
        _all_words(("city__name", "summary", "notes", "council_resolution"), words)
    )[:PER_KIND]
    results["partnerships"] = [
        Hit("partnership", str(p), p.get_status_display(), p.get_absolute_url()) for p in partnerships
    ]
    orgs = Organization.objects.filter(_all_words(("name", "acronym", "description"), words))[:PER_KIND]
    results["organizations"] = [
        Hit("organization", str(o), o.get_kind_display(), o.get_absolute_url()) for o in orgs
    ]
    contacts = Contact.objects.select_related("city", "organization").filter(
        _all_words(("first_name", "last_name", "email"), words)
    )[:PER_KIND]
    results["contacts"] = [
        Hit("contact", c.full_name, str(c.organization or c.city or ""), c.get_absolute_url())
        for c in contacts
    ]
    agreements = Agreement.objects.filter(_all_words(("title", "summary", "signed_at"), words))[
        :PER_KIND
    ]
    results["agreements"] = [
        Hit("agreement", a.title, a.get_status_display(), a.get_absolute_url()) for a in agreements
    ]
    return {kind: hits for kind, hits in results.items() if hits}
