"""The briefing book: everything the mayor needs before a visit, as one PDF (WeasyPrint).

The PDF is rendered offline. WeasyPrint fetches only through :class:`StaticOnlyURLFetcher`,
which serves our own static files from disk and refuses every other address, so a URL typed
into a text field can never make the server reach the network.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from cityrelations.core.languages import unit_name
from partners.models import Agreement, City, Interaction, Office, Partnership, Task

from .models import AgendaItem, Gift, Participant, Visit

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step of each page at INFO: noise in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The base address the briefing HTML is rendered against. It never resolves on the network:
# the fetcher maps it to files on disk.
BRIEFING_BASE_URL = "https://briefing.invalid/"
RECENT_INTERACTIONS = 10
EARLIER_VISITS = 20
EARLIER_GIFTS = 20


class StaticOnlyURLFetcher(URLFetcher):
    """Serve ``<base>/static/…`` from the static files on disk; refuse everything else.

    ``refused`` lists every address that was turned away (useful in logs and tests).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.info("Briefing book: refused to fetch %s", url)
            raise ValueError(f"The briefing book does not fetch {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers_out = {"Content-Type": content_type}
        return URLFetcherResponse(url, path.read_bytes(), headers_out)

    @staticmethod
    def _static_path(url: str) -> Path | None:
        prefix = BRIEFING_BASE_URL.rstrip("/") + settings.STATIC_URL
        if not url.startswith(prefix):
            return None
        relative = unquote(urlsplit(url).path)[len(settings.STATIC_URL) :]
        if not relative or ".." in Path(relative).parts:
            return None
        found = finders.find(relative)
        if not found and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if not found:
            return None
        return Path(found if isinstance(found, str) else found[0])


def html_to_pdf(html: str, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    """Render HTML to PDF with the offline fetcher (pass one to inspect what it refused).

    The PDF is tagged (a structure tree of headings, paragraphs, tables and lists, marked
    content, the document language from ``<html lang>`` and the title from ``<title>``), so a
    screen reader reads it in order and with the right voice."""
    fetcher = fetcher or StaticOnlyURLFetcher()
    document = HTML(string=html, base_url=BRIEFING_BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(pdf_tags=True)


# --- What goes into the book -------------------------------------------------------------------


@dataclass
class CityDossier:
    """The partner city's profile and the history of our relation with it."""

    city: City
    partnership: Partnership | None
    offices: list[Office] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    earlier_visits: list[Visit] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    earlier_gifts: list[Gift] = field(default_factory=list)


def _visit_for_briefing(pk: int) -> Visit:
    return (
        Visit.objects.select_related("partnership__city", "head_of_delegation", "owner")
        .prefetch_related("cities", "organizations", "themes")
        .get(pk=pk)
    )


def counterpart_cities(visit: Visit) -> list[City]:
    """The partnership's city first, then the visit's other cities, without the home city."""
    home = settings.HOME_CITY["name"].casefold()
    cities: list[City] = []
    if visit.partnership is not None:
        cities.append(visit.partnership.city)
    for city in visit.cities.all():
        if city.name.casefold() != home and all(c.pk != city.pk for c in cities):
            cities.append(city)
    return cities


def _dossier(visit: Visit, city: City) -> CityDossier:
    partnership = (
        visit.partnership
        if visit.partnership is not None and visit.partnership.city_id == city.pk
        else Partnership.objects.filter(city=city).order_by("-established_on", "-pk").first()
    )
    # Two index look-ups (by partnership, by city link) beat one OR over a join.
    other_visit_ids: set[int] = set(
        Visit.cities.through.objects.filter(city=city).values_list("visit_id", flat=True)
    )
    if partnership is not None:
        other_visit_ids.update(
            Visit.objects.filter(partnership=partnership).values_list("pk", flat=True)
        )
    other_visit_ids.discard(visit.pk)
    agreement_ids: set[int] = set(
        Agreement.cities.through.objects.filter(city=city).values_list("agreement_id", flat=True)
    )
    if partnership is not None:
        agreement_ids.update(partnership.agreements.values_list("pk", flat=True))
    dossier = CityDossier(city=city, partnership=partnership)
    dossier.offices = list(
        Office.objects.current()
        .filter(city=city)
        .select_related("contact", "organization")
        .order_by("title")
    )
    dossier.agreements = list(
        Agreement.objects.filter(pk__in=agreement_ids).order_by("-signed_on", "title")
    )
    dossier.earlier_visits = list(
        Visit.objects.filter(pk__in=other_visit_ids, start_date__lt=visit.start_date).order_by(
            "-start_date"
        )[:EARLIER_VISITS]
    )
    if partnership is not None:
        dossier.interactions = list(
            Interaction.objects.filter(partnership=partnership).order_by("-occurred_on", "-pk")[
                :RECENT_INTERACTIONS
            ]
        )
    dossier.earlier_gifts = list(
        Gift.objects.filter(Q(visit__in=other_visit_ids) | Q(counterpart_contact__city=city))
        .exclude(visit=visit)
        .select_related("visit")
        .order_by("-date", "pk")[:EARLIER_GIFTS]
    )
    return dossier


def briefing_context(visit_pk: int) -> dict[str, Any]:
    """Everything the briefing template shows, loaded in a bounded number of queries."""
    visit = _visit_for_briefing(visit_pk)
    agenda = list(AgendaItem.objects.filter(visit=visit).select_related("city"))
    participants = list(
        Participant.objects.filter(visit=visit)
        .select_related("contact__organization", "user")
        .order_by("precedence", "pk")
    )
    dossiers = [_dossier(visit, city) for city in counterpart_cities(visit)]
    related_visit_ids = {visit.pk}
    for dossier in dossiers:
        related_visit_ids.update(v.pk for v in dossier.earlier_visits)
    open_follow_ups = list(
        Task.objects.open()
        .filter(visit__in=related_visit_ids)
        .select_related("owner")
        .prefetch_related("record")
        .by_due_date()
    )
    return {
        "visit": visit,
        "agenda_days": [(day, list(items)) for day, items in groupby(agenda, lambda i: i.date)],
        "participants": participants,
        "dossiers": dossiers,
        "open_follow_ups": open_follow_ups,
        "visit_gifts": list(visit.gifts.order_by("date", "pk")),
        "home_city": settings.HOME_CITY["name"],
        "unit_name": unit_name(),
        "generated_at": timezone.localtime(),
    }


@dataclass(frozen=True)
class BriefingBook:
    pdf: bytes
    participant_count: int  # the people whose needs it lists: the personal-data log's rows


def build_briefing_book(visit: Visit, fetcher: StaticOnlyURLFetcher | None = None) -> BriefingBook:
    context = briefing_context(visit.pk)
    html = render_to_string("delegations/briefing_book.html", context)
    return BriefingBook(
        pdf=html_to_pdf(html, fetcher), participant_count=len(context["participants"])
    )


def render_briefing_book(visit: Visit, fetcher: StaticOnlyURLFetcher | None = None) -> bytes:
    return build_briefing_book(visit, fetcher).pdf


def briefing_filename(visit: Visit) -> str:
    """``hatteranyag-2026-12-07-….pdf`` for a Hungarian reader, ``briefing-book-…`` otherwise."""
    book = slugify(gettext("Briefing book"))
    return f"{book}-{visit.start_date:%Y-%m-%d}-{slugify(visit.title)[:60] or visit.pk}.pdf"
