"""Global search: every kind of record the reader may see, grouped by kind, best matches first.

Each kind is a :class:`Searcher` in :data:`SEARCHERS`, the one place to add a kind (the search
page is in the cross-app layer and may read every app). A kind is searched by its model's own
``search()`` (``cityrelations.core.search.ForgivingSearchQuerySet``: letter case, accents and,
on PostgreSQL, a typo forgiven), the same method its list's search box uses, so a group's
"show all" link opens the list filtered by the same query and shows the same records.

One query per kind the reader may see: the hits of the first page, ranked, each carrying the
number of matches (a window count over at most CANDIDATES + 1 candidates, so a one-letter query
over 100,000 contacts costs no more than a precise one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connection, models
from django.db.models import Count, Window
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cityrelations.core.roles import can_edit
from cityrelations.core.search import MAX_QUERY_LENGTH, search_words
from delegations.models import Visit
from newsletters.models import Story
from partners.models import (
    Agreement,
    City,
    Contact,
    Opportunity,
    Organization,
    Partnership,
    Project,
)

PER_KIND = 10
CANDIDATES = 500  # matches counted and ranked per kind; beyond that the total shows "500+"


@dataclass(frozen=True)
class Hit:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class Searcher:
    """One kind of record in the global search."""

    kind: str  # the group's anchor ("results-<kind>")
    title: Promise
    permission: str  # the reader needs it to see the group (the list's own permission)
    list_url: str  # URL name of the list whose ``q`` is the same search
    rows: Callable[[], models.QuerySet[Any]]  # with what the hits show, select_related
    hit: Callable[[Any, Any], Hit]  # (record, reader) -> Hit
    order: tuple[str, ...]  # among equally good matches


@dataclass
class KindResults:
    kind: str
    title: str
    total: int
    list_url: str
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


def _story_hit(story: Story, reader: Any) -> Hit:
    # Stories have no page of their own: the editor for those who edit, else the list.
    if can_edit(reader):
        url = reverse("newsletters:story_update", args=[story.pk])
    else:
        url = reverse("newsletters:story_list") + "?" + urlencode({"q": story.title})
    return Hit(story.title, story.get_kind_display(), url)


def _contact_hit(contact: Contact, reader: Any) -> Hit:
    where = contact.organization or contact.city or ""
    return Hit(contact.full_name, str(where), contact.get_absolute_url())


SEARCHERS: tuple[Searcher, ...] = (
    Searcher(
        "cities",
        _("Cities"),
        "partners.view_city",
        "partners:city_list",
        lambda: City.objects.all(),
        lambda c, _reader: Hit(str(c), c.region, c.get_absolute_url()),
        ("name",),
    ),
    Searcher(
        "partnerships",
        _("Partnerships"),
        "partners.view_partnership",
        "partners:partnership_list",
        lambda: Partnership.objects.select_related("city"),
        lambda p, _reader: Hit(str(p), p.get_status_display(), p.get_absolute_url()),
        ("city__name",),
    ),
    Searcher(
        "organizations",
        _("Organisations"),
        "partners.view_organization",
        "partners:organization_list",
        lambda: Organization.objects.all(),
        lambda o, _reader: Hit(str(o), o.get_kind_display(), o.get_absolute_url()),
        ("name",),
    ),
    Searcher(
        "contacts",
        _("Contacts"),
        "partners.view_contact",
        "partners:contact_list",
        lambda: Contact.objects.select_related("city", "organization"),
        _contact_hit,
        ("last_name", "first_name"),
    ),
    Searcher(
        "agreements",
        _("Agreements"),
        "partners.view_agreement",
        "partners:agreement_list",
        lambda: Agreement.objects.all(),
        lambda a, _reader: Hit(a.title, a.get_status_display(), a.get_absolute_url()),
        ("title",),
    ),
    Searcher(
        "visits",
        _("Visits"),
        "delegations.view_visit",
        "delegations:visit_list",
        lambda: Visit.objects.all(),
        lambda v, _reader: Hit(
            v.title, f"{v.dates} · {v.get_status_display()}", v.get_absolute_url()
        ),
        ("-start_date", "title"),
    ),
    Searcher(
        "projects",
        _("Cooperation projects"),
        "partners.view_project",
        "partners:project_list",
        lambda: Project.objects.all(),
        lambda p, _reader: Hit(p.title, p.get_status_display(), p.get_absolute_url()),
        ("title",),
    ),
    Searcher(
        "opportunities",
        _("Business opportunities"),
        "partners.view_opportunity",
        "partners:opportunity_list",
        lambda: Opportunity.objects.select_related("organization"),
        lambda o, _reader: Hit(
            o.title,
            " · ".join(str(part) for part in (o.get_stage_display(), o.organization) if part),
            o.get_absolute_url(),
        ),
        ("title",),
    ),
    Searcher(
        "stories",
        _("Stories"),
        "newsletters.view_story",
        "newsletters:story_list",
        lambda: Story.objects.all(),
        _story_hit,
        ("-month", "title"),
    ),
    # Hosted events and visit requests are not searched yet: each would be one more Searcher
    # here, once its QuerySet has a search() (cityrelations/core/search.py).
)


def _matching(searcher: Searcher, query: str, *, typos: bool = False) -> models.QuerySet[Any]:
    """Ranked hits, each with ``search_total``: the number of matches, counted up to
    CANDIDATES + 1. Ranking and counting look only at that many candidates."""
    rows: Any = searcher.rows()
    candidates = rows.model._default_manager.search(query, typos=typos).order_by().values("pk")
    return (
        rows.filter(pk__in=candidates[: CANDIDATES + 1])
        .with_search_rank(query)
        .annotate(search_total=Window(Count("pk")))
        .order_by("-search_rank", *searcher.order, "pk")
    )


def searchers_for(reader: Any) -> list[Searcher]:
    """The kinds the reader may list: the mayor's office reads the CRM; nobody finds citizens
    here (subscribers are no kind of the global search)."""
    return [s for s in SEARCHERS if reader.has_perm(s.permission)]


def global_search(query: str, reader: Any) -> list[KindResults]:
    """One ``KindResults`` per kind that has hits, in SEARCHERS' order: one query per kind with
    the words as typed, and only when no kind finds them, a second round with typos forgiven
    (PostgreSQL). A name found as typed is what was meant; asking every other kind again with
    typos forgiven doubled the queries of most searches and found only near misses."""
    query = query[:MAX_QUERY_LENGTH]
    if not search_words(query):
        return []
    searchers = searchers_for(reader)
    found = [(s, list(_matching(s, query)[:PER_KIND])) for s in searchers]
    if not any(rows for _searcher, rows in found) and connection.vendor == "postgresql":
        found = [(s, list(_matching(s, query, typos=True)[:PER_KIND])) for s in searchers]
    return [
        KindResults(
            kind=searcher.kind,
            title=str(searcher.title),
            total=rows[0].search_total,
            list_url=reverse(searcher.list_url) + "?" + urlencode({"q": query}),
            hits=[searcher.hit(row, reader) for row in rows],
        )
        for searcher, rows in found
        if rows
    ]
