"""Global search across cities, partnerships, organisations, contacts and agreements.

On PostgreSQL: full-text search with the ``simple`` configuration (names in every language, no
stemming), every word matched as a prefix ("vien" finds Vienna), results ranked. Contacts have
a stored, GIN-indexed document (``ContactSearchDocument``), so it stays fast with 100,000
contacts. On SQLite: every word must appear (``icontains``) in one of the fields. Either way:
one query per kind, the total per kind from a window count.

This is a different search from the contact list's ``Contact.objects.search()`` (which also
matches a contact's organisation and city, unranked): here a contact is found by its own name
and email only, and organisations and cities are kinds of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from cityrelations.core.text import folded
from partners.models import (
    Agreement,
    City,
    Contact,
    ContactSearchDocument,
    Organization,
    Partnership,
)

PER_KIND = 10
CANDIDATES = 500  # matches counted and ranked per kind; beyond that the total shows "500+"
MAX_WORDS = 6
MAX_WORD_LENGTH = 40
SEARCH_CONFIG = "simple"


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    detail: str
    url: str


@dataclass
class KindResults:
    kind: str
    title: str
    total: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        """More than CANDIDATES matches: ``total`` is a lower bound."""
        return self.total > CANDIDATES

    @property
    def shown_total(self) -> str:
        return f"{CANDIDATES}+" if self.capped else str(self.total)

    @property
    def more(self) -> int:
        return max(min(self.total, CANDIDATES) - len(self.hits), 0)


@dataclass(frozen=True)
class _Kind:
    kind: str
    title: Any
    queryset: Callable[[], models.QuerySet[Any]]
    fields: tuple[str, ...]
    hit: Callable[[Any], Hit]
    order: tuple[str, ...]


def search_words(query: str) -> list[str]:
    """Letters and digits only: safe inside a tsquery and meaningful for ``icontains``."""
    words = re.findall(r"[^\W_]+", query[:500])
    return [w[:MAX_WORD_LENGTH] for w in words][:MAX_WORDS]


def _spellings(word: str) -> list[str]:
    """The word as typed and folded ("Zürich" -> "zurich"): a city is matched by its folded
    ``search_names``, every other field by the text as written. Letters and digits only."""
    plain = "".join(re.findall(r"[^\W_]+", folded(word)))[:MAX_WORD_LENGTH]
    return [word] if not plain or plain == word.casefold() else [word, plain]


def _prefix_tsquery(words: Sequence[str]) -> SearchQuery:
    # Each spelling holds only letters and digits (search_words, _spellings): raw syntax is safe.
    text = " & ".join("(" + " | ".join(f"{s}:*" for s in _spellings(w)) + ")" for w in words)
    return SearchQuery(text, search_type="raw", config=SEARCH_CONFIG)


def _all_words(fields: Sequence[str], words: Sequence[str]) -> models.Q:
    """Without full-text search: every word, in one of its spellings, in one of the fields."""
    condition = models.Q()
    for word in words:
        condition &= models.Q(
            *[(f"{f}__icontains", s) for f in fields for s in _spellings(word)],
            _connector=models.Q.OR,
        )
    return condition


KINDS: tuple[_Kind, ...] = (
    _Kind(
        "cities",
        _("Cities"),
        lambda: City.objects.all(),
        # As partners migration 0014_city_search_folded_names indexes them: keep the two in step.
        ("search_names", "region"),
        lambda c: Hit("city", str(c), c.region, c.get_absolute_url()),
        ("name",),
    ),
    _Kind(
        "partnerships",
        _("Partnerships"),
        lambda: Partnership.objects.select_related("city"),
        ("city__search_names", "summary", "notes", "council_resolution"),
        lambda p: Hit("partnership", str(p), p.get_status_display(), p.get_absolute_url()),
        ("city__name",),
    ),
    _Kind(
        "organizations",
        _("Organisations"),
        lambda: Organization.objects.all(),
        ("name", "acronym", "description"),
        lambda o: Hit("organization", str(o), o.get_kind_display(), o.get_absolute_url()),
        ("name",),
    ),
    _Kind(
        "contacts",
        _("Contacts"),
        lambda: Contact.objects.select_related("city", "organization"),
        ("first_name", "last_name", "email"),
        lambda c: Hit(
            "contact", c.full_name, str(c.organization or c.city or ""), c.get_absolute_url()
        ),
        ("last_name", "first_name"),
    ),
    _Kind(
        "agreements",
        _("Agreements"),
        lambda: Agreement.objects.all(),
        ("title", "summary", "signed_at", "signatory_home", "signatory_partner"),
        lambda a: Hit("agreement", a.title, a.get_status_display(), a.get_absolute_url()),
        ("title",),
    ),
)


def _matching(kind: _Kind, words: Sequence[str]) -> models.QuerySet[Any]:
    """Ranked hits, each with ``search_total``: the number of matches, counted up to
    CANDIDATES + 1. Ranking and counting only look at that many candidates, so a one-letter
    query over 100,000 contacts costs no more than a precise one."""
    base = kind.queryset().model._default_manager.all()
    if connection.vendor == "postgresql":
        vector = (
            ContactSearchDocument()
            if kind.kind == "contacts"
            else SearchVector(*kind.fields, config=SEARCH_CONFIG)
        )
        query = _prefix_tsquery(words)
        candidates = base.annotate(search_vector=vector).filter(search_vector=query)
        ranked = kind.queryset().annotate(rank=SearchRank(vector, query))
        order: tuple[Any, ...] = ("-rank", *kind.order, "pk")
    else:
        candidates = base.filter(_all_words(kind.fields, words))
        ranked = kind.queryset()
        order = (*kind.order, "pk")
    return (
        ranked.filter(pk__in=candidates.order_by().values("pk")[: CANDIDATES + 1])
        .annotate(search_total=Window(Count("pk")))
        .order_by(*order)
    )


def global_search(query: str) -> list[KindResults]:
    """One ``KindResults`` per kind that has hits, in a fixed order. One query per kind."""
    words = search_words(query)
    if not words:
        return []
    results = []
    for kind in KINDS:
        rows = list(_matching(kind, words)[:PER_KIND])
        if rows:
            results.append(
                KindResults(
                    kind=kind.kind,
                    title=str(kind.title),
                    total=rows[0].search_total,
                    hits=[kind.hit(row) for row in rows],
                )
            )
    return results
