"""What the staff home page shows. Each section is one bounded query (11 in all), whatever the
amount of data; the page test pins the number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F
from django.utils import timezone

from delegations.dashboard import visit_dashboard
from partners.models import (
    Agreement,
    Contact,
    Continent,
    Interaction,
    Membership,
    Organization,
    Partnership,
)

SECTION_SIZE = 8
AGREEMENT_DAYS = 90
MEMBERSHIP_DAYS = 90
DORMANT_MONTHS = 12


@dataclass(frozen=True)
class Section:
    """Up to SECTION_SIZE rows, and whether there are more (fetched as one extra row)."""

    rows: list[Any]
    more: bool


def _section(queryset: Any) -> Section:
    rows = list(queryset[: SECTION_SIZE + 1])
    return Section(rows=rows[:SECTION_SIZE], more=len(rows) > SECTION_SIZE)


def _by_continent() -> list[tuple[str, int]]:
    # One join (partnership -> city), no DISTINCT: each partnership is counted once anyway.
    rows = (
        Partnership.objects.open()
        .values(continent=F("city__continent"))
        .annotate(n=Count("pk"))
        .order_by("-n", "continent")
    )
    labels = dict(Continent.choices)
    return [(str(labels.get(r["continent"], "—")), r["n"]) for r in rows]


def dashboard_context(user: Any) -> dict[str, Any]:
    """Each count tile's number comes from the QuerySet method its list's filter applies
    (``status_counts`` groups = ``?stage=``, ``in_force`` = ``?in_force=on``, ``current`` =
    ``?show=current``), so the number is the length of the list the tile opens."""
    today = timezone.localdate()
    partnerships = Partnership.objects.status_counts()
    return {
        "today": today,
        "soon": today + dt.timedelta(days=30),
        "agreement_days": AGREEMENT_DAYS,
        "membership_days": MEMBERSHIP_DAYS,
        "dormant_months": DORMANT_MONTHS,
        "partnership_counts": partnerships,
        "counts": {
            "memberships": Membership.objects.current().count(),
            "agreements": Agreement.objects.in_force(today).count(),
            "organizations": Organization.objects.count(),
            "contacts": Contact.objects.count(),
        },
        "by_continent": _by_continent(),
        "expiring_agreements": _section(
            Agreement.objects.expiring(AGREEMENT_DAYS)
            .select_related("partnership__city")
            .order_by("valid_until", "title")
        ),
        "fees_due": _section(
            Membership.objects.fees_due(MEMBERSHIP_DAYS)
            .select_related("organization")
            .order_by("fee_due_on", "organization__name")
        ),
        "reports_due": _section(
            Membership.objects.reports_due(MEMBERSHIP_DAYS)
            .select_related("organization")
            .order_by("next_report_due_on", "organization__name")
        ),
        "dormant_candidates": _section(
            Partnership.objects.dormant_candidates(DORMANT_MONTHS)
            .with_last_contact()
            .select_related("city")
            .order_by("city__name")
        ),
        "recent_interactions": _section(Interaction.objects.timeline()),
        **visit_dashboard(user),
    }
