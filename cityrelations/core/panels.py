"""Panels that the apps above a record's own add to its hub page.

A partnership's page shows its visits and gifts (delegations) and its newsletter mentions
(newsletters), yet ``partners`` may not import those apps. So each app registers, in its
``AppConfig.ready()``, the panels it adds to a hub (``"partnership"``, ``"organization"``,
``"contact"``, ``"city"``…), and the hub's view asks for them:

    register("partnership", Panel(key="visits", title=_("Visits"), template="…/_panel.html",
                                  context=visits_for_partnership, permission="delegations.view_visit"))
    panels = panels_for("partnership", request, partnership)   # in the view's context

A panel's ``context`` function takes the request and the record and returns its template's
context; it must run a fixed number of queries whatever the data (the hubs' query counts are
pinned by tests). A panel the user has no permission for is left out, queries included.

Most panels are a card (``cityrelations/_panel.html``, which their template extends): a heading
with a count, an "add" button, the most relevant rows, an empty state and "Show all (N)". Their
context gives, beside the rows, ``count``, ``add_url``/``add_label`` (only with the permission
to add: see ``add_link``), ``all_url`` (the list filtered to the record) and ``empty_text``;
``panel_rows`` reads rows and count in two queries whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

PanelContext = Callable[[HttpRequest, Any], dict[str, Any]]
PANEL_ROWS = 5  # rows a card shows; "Show all (N)" opens the rest


@dataclass(frozen=True)
class Panel:
    key: str  # unique on its hub; the section's id is "panel-<key>"
    title: str | Promise
    template: str
    context: PanelContext
    order: int = 100  # lower comes first
    permission: str | None = None  # "app_label.codename" the user needs to see the panel


@dataclass(frozen=True)
class ShownPanel:
    panel: Panel
    html: SafeString
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.panel.key

    @property
    def title(self) -> str | Promise:
        return self.panel.title


_registry: dict[str, dict[str, Panel]] = {}


def register(hub: str, panel: Panel) -> None:
    """Add ``panel`` to ``hub``'s page; registering the same key again replaces it (a reloaded
    app in tests, not a second panel)."""
    _registry.setdefault(hub, {})[panel.key] = panel


def registered(hub: str) -> list[Panel]:
    return sorted(_registry.get(hub, {}).values(), key=lambda p: (p.order, p.key))


def panels_for(hub: str, request: HttpRequest, record: Model) -> list[ShownPanel]:
    """The hub's panels the user may see, each rendered with its own context."""
    shown = []
    for panel in registered(hub):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        context = {
            "record": record,
            "panel_key": panel.key,
            "panel_title": panel.title,
            **panel.context(request, record),
        }
        html = render_to_string(panel.template, context, request=request)
        shown.append(ShownPanel(panel=panel, html=html, context=context))
    return shown


def panel_rows(queryset: QuerySet[Any], *, limit: int = PANEL_ROWS) -> tuple[list[Any], int]:
    """The first ``limit`` rows and how many there are: two queries, however many rows (a
    count skipped when the rows are few would make the hub's query count depend on the data)."""
    return list(queryset[:limit]), queryset.count()


def add_link(request: HttpRequest, permission: str, url: str) -> str:
    """``url`` when the user holds ``permission`` (the panel's "add" button), else ""."""
    return url if request.user.has_perm(permission) else ""
