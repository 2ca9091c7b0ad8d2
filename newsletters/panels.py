"""The "mentions in newsletters" panel that newsletters adds to a partnership's hub.

A mention is an edition item (included) that came from the partnership itself, from one of its
agreements or visits, or whose title or text names the partner city in either language (a
story about Vienna is copied into its edition's items, so stories count through their items).
Three queries: the agreements' and visits' ids, the items, their count.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cityrelations.core.languages import site_language_codes
from cityrelations.core.panels import Panel, add_link, panel_rows, register
from delegations.models import Visit
from partners.models import Agreement, Partnership

from .models import EditionItem


def _source_keys(partnership: Partnership) -> list[str]:
    agreements = Agreement.objects.for_partnership(partnership).values_list("pk", flat=True)
    visits = Visit.objects.for_partnership(partnership).values_list("pk", flat=True)
    return [
        f"partners.partnership:{partnership.pk}",
        *(f"partners.agreement:{pk}" for pk in agreements),
        *(f"delegations.visit:{pk}" for pk in visits),
    ]


def mentions_of(partnership: Partnership) -> Any:
    """The included edition items that link or name the partnership or its city."""
    city = partnership.city
    names = {name for name in (city.name, getattr(city, "name_hu", "")) if name}
    named = Q()
    for name in names:
        for code in site_language_codes():
            named |= Q(**{f"title_{code}__icontains": name}) | Q(
                **{f"body_{code}__icontains": name}
            )
    return EditionItem.objects.filter(Q(source_key__in=_source_keys(partnership)) | named)


def mentions(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    items = mentions_of(partnership).select_related("edition").order_by("-edition__month", "order")
    rows, count = panel_rows(items)
    return {
        "items": rows,
        "count": count,
        "all_url": "",
        "add_url": add_link(request, "newsletters.add_story", reverse("newsletters:story_create")),
        "add_label": _("Write a story"),
        "empty_text": _("Not mentioned in a newsletter yet."),
    }


def register_panels() -> None:
    register(
        "partnership",
        Panel(
            key="newsletters",
            title=_("Mentions in newsletters"),
            template="newsletters/panels/mentions.html",
            context=mentions,
            order=80,
            permission="newsletters.view_edition",
        ),
    )
