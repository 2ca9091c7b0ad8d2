"""Options for the SearchableSelect widgets (htmx): cities, organisations, contacts and
partnerships, found by a few words as the user types."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cityrelations.core.filters import all_words
from cityrelations.core.views import ids_from_query
from partners.models import (
    City,
    Contact,
    Organization,
    Partnership,
    city_name_matches,
    city_name_order,
)

CHOICES_LIMIT = 15
MAX_WORDS = 4


def _city_words(words: list[str], prefix: str = "") -> Q:
    """Every word in one of the city's names, with or without accents ("krakow" finds Kraków)."""
    condition = Q()
    for word in words:
        condition &= city_name_matches(word, prefix)
    return condition


def _option_sources() -> dict[str, tuple[str, QuerySet[Any], Callable[[list[str]], Q]]]:
    """kind -> (permission needed, queryset, the condition a row matches the typed words by)."""
    return {
        "city": (
            "partners.view_city",
            City.objects.order_by(city_name_order(), "pk"),
            _city_words,
        ),
        "organization": (
            "partners.view_organization",
            Organization.objects.order_by("name"),
            partial(all_words, ("name", "acronym")),
        ),
        "contact": (
            "partners.view_contact",
            Contact.objects.select_related("organization").order_by("last_name", "first_name"),
            partial(all_words, ("first_name", "last_name", "email")),
        ),
        "partnership": (
            "partners.view_partnership",
            Partnership.objects.select_related("city").order_by(city_name_order("city__"), "pk"),
            partial(_city_words, prefix="city__"),
        ),
    }


@login_required
@require_GET
def option_search(request: HttpRequest) -> HttpResponse:
    """<option>s for a SearchableSelect: the chosen ones first (still selected), then matches."""
    source = _option_sources().get(request.GET.get("kind", ""))
    if source is None:
        raise Http404("Unknown kind.")
    permission, queryset, matching = source
    if not request.user.has_perm(permission):
        raise PermissionDenied
    field = request.GET.get("field", "")[:50]
    chosen_ids = ids_from_query(request.GET.getlist(field))
    chosen = list(queryset.filter(pk__in=chosen_ids)) if chosen_ids else []
    found: list[Any] = []
    words = request.GET.get(f"{field}__search", "").split()[:MAX_WORDS]
    if words:
        matches = queryset.exclude(pk__in=chosen_ids).filter(matching(words))
        found = list(matches[:CHOICES_LIMIT])
    context = {
        "chosen": [(o.pk, str(o)) for o in chosen],
        "found": [(o.pk, str(o)) for o in found],
        "multiple": bool(request.GET.get("multiple")),
    }
    return render(request, "partners/_contact_options.html", context)
