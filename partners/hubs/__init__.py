"""The partners app's own panels on the hub pages of a partnership, an organisation and a
contact. They go through the same registry (cityrelations.core.panels) as the panels that
delegations, newsletters and tasks add, so a hub's view renders one list, in one order."""

from __future__ import annotations

from cityrelations.core.panels import register

from . import contact, opportunities, organization, partnership


def register_panels() -> None:
    for hub, module in (
        ("partnership", partnership),
        ("organization", organization),
        ("contact", contact),
    ):
        for panel in module.PANELS:
            register(hub, panel)
    register("organization", opportunities.ORGANIZATION_PANEL)
    register("city", opportunities.CITY_PANEL)
