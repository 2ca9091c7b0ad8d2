"""What the staff home page shows. Each section is one bounded query."""

from __future__ import annotations

from typing import Any

from partners.models import Agreement, Contact, Interaction, Membership, Organization, Partnership


def dashboard_context(user: Any) -> dict[str, Any]:
    return {
        "counts": {
            "partnerships": Partnership.objects.open().count(),
            "organizations": Organization.objects.count(),
            "contacts": Contact.objects.count(),
            "agreements": Agreement.objects.in_force().count(),
        },
        "expiring_agreements": list(
            Agreement.objects.expiring(90).select_related("partnership__city").order_by("valid_until")[:10]
        ),
        "fees_due": list(
            Membership.objects.fees_due(90).select_related("organization").order_by("fee_due_on")[:10]
        ),
        "reports_due": list(
            Membership.objects.reports_due(90)
            .select_related("organization")
            .order_by("next_report_due_on")[:10]
        ),
        "dormant_candidates": list(
            Partnership.objects.dormant_candidates(12).select_related("city").order_by("city__name")[:10]
        ),
        "recent_interactions": list(Interaction.objects.timeline()[:10]),
    }
