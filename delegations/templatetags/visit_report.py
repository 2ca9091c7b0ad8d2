"""``{% visit_report_section visit %}``: the post-visit report, follow-ups, gifts and publication
on a visit page, with its own (bounded) queries so the including view needs no extra context."""

from __future__ import annotations

from typing import Any

from django import template

from ..report import report_section_data

register = template.Library()


@register.inclusion_tag("delegations/_report_section.html", takes_context=True)
def visit_report_section(context: template.Context, visit: Any) -> dict[str, Any]:
    return {
        "visit": visit,
        "perms": context.get("perms"),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        **report_section_data(visit),
    }
