"""Timeline entries for templates/partners/_timeline.html: interactions, agreements and projects
merged newest first. Any page (partnership, organisation, contact) can build entries from its own
querysets and render the same partial:
``{% include "partners/_timeline.html" with entries=... %}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypedDict

from django.db import models
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from .models import Agreement, Interaction, Project


class TimelineEntry(TypedDict):
    date: dt.date
    kind: str
    title: str
    url: str | None
    summary: str


def _url(obj: models.Model) -> str | None:
    # Some detail pages belong to other parts of the app and may not be routed (yet), and an
    # interaction has none (``get_absolute_url`` is a convention, not a method of Model).
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except (AttributeError, NoReverseMatch):
        return None


def interaction_entries(interactions: Iterable[Interaction]) -> list[TimelineEntry]:
    return [
        {
            "date": i.occurred_on,
            "kind": i.get_kind_display(),
            "title": i.subject,
            "url": _url(i),
            "summary": i.summary,
        }
        for i in interactions
    ]


def agreement_entries(agreements: Iterable[Agreement]) -> list[TimelineEntry]:
    """Agreements by the day they were signed (unsigned ones have no place on a timeline)."""
    return [
        {
            "date": a.signed_on,
            "kind": _("Agreement signed"),
            "title": a.title,
            "url": _url(a),
            "summary": f"{a.get_kind_display()} · {a.get_status_display()}",
        }
        for a in agreements
        if a.signed_on is not None
    ]


def project_entries(projects: Iterable[Project]) -> list[TimelineEntry]:
    """Projects by the day they start (projects without a start date are left out)."""
    return [
        {
            "date": p.starts_on,
            "kind": _("Project started"),
            "title": p.title,
            "url": _url(p),
            "summary": p.get_status_display(),
        }
        for p in projects
        if p.starts_on is not None
    ]


def merge_timeline(
    *groups: Iterable[TimelineEntry], limit: int | None = None
) -> list[TimelineEntry]:
    """All entries, newest first (stable: equal dates keep the order they were given in)."""
    merged = sorted(
        (entry for group in groups for entry in group), key=lambda e: e["date"], reverse=True
    )
    return merged[:limit] if limit else merged
