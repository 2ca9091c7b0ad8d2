"""``{% pipeline_panel %}``: the dashboard's card of the business pipeline's value by stage."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Opportunity

register = template.Library()


@register.inclusion_tag("partners/opportunities/_dashboard.html", takes_context=True)
def pipeline_panel(context: template.Context) -> dict[str, Any]:
    """One query: each open stage's count and value per currency."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("partners.view_opportunity"):
        return {"shown": False}
    stages = Opportunity.objects.pipeline()
    return {"shown": True, "stages": stages, "total": sum(s["count"] for s in stages)}
