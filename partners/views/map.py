"""The world map of partnerships: a page (map, legend, filters, accessible table) and its JSON."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..filters import in_network
from ..forms.partnerships import MapFilterForm
from ..models import Partnership


def _map_filter(request: HttpRequest) -> MapFilterForm:
    form = MapFilterForm(request.GET)
    form.is_valid()  # invalid values are reported on the page and ignored, never a 500
    return form


def _mapped_partnerships(form: MapFilterForm) -> QuerySet[Partnership]:
    """Partnerships whose city has coordinates, filtered by theme and network (one query)."""
    partnerships: QuerySet[Partnership] = (
        Partnership.objects.filter(city__latitude__isnull=False, city__longitude__isnull=False)
        .select_related("city")
        .order_by("city__name", "pk")
    )
    data = getattr(form, "cleaned_data", {})
    if data.get("theme"):
        partnerships = partnerships.filter(themes=data["theme"])
    if data.get("network"):
        partnerships = in_network(partnerships, data["network"])
    return partnerships


def _levels() -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in Partnership.Level.choices]


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    form = _map_filter(request)
    query = request.GET.urlencode()
    return render(
        request,
        "partners/map.html",
        {
            "form": form,
            "partnerships": _mapped_partnerships(form),
            "levels": _levels(),
            "data_url": reverse("partners:map_data") + (f"?{query}" if query else ""),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "home": settings.HOME_CITY,
        },
    )


def _marker(p: Partnership) -> dict[str, Any]:
    return {
        "id": p.pk,
        "city": p.city.name,
        "country": p.city.country.name,  # type: ignore[attr-defined]
        "level": p.level,
        "level_label": p.get_level_display(),
        "status": p.status,
        "status_label": p.get_status_display(),
        "lat": float(p.city.latitude),  # type: ignore[arg-type]
        "lng": float(p.city.longitude),  # type: ignore[arg-type]
        "url": p.get_absolute_url(),
    }


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    form = _map_filter(request)
    home = settings.HOME_CITY
    return JsonResponse(
        {
            "home": {"name": home["name"], "lat": home["latitude"], "lng": home["longitude"]},
            "levels": _levels(),
            "partnerships": [_marker(p) for p in _mapped_partnerships(form)],
            "errors": form.errors.get_json_data() if form.errors else {},
        }
    )
