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

from ..filters.partnerships import MapFilter
from ..geo import country_name
from ..models import Partnership, local_city_name


def _map_filter(request: HttpRequest) -> MapFilter:
    """Partnerships whose city has coordinates, filtered by theme and network (one query).
    Invalid values are reported on the page and ignored, never a 500."""
    partnerships: QuerySet[Partnership] = (
        Partnership.objects.filter(city__latitude__isnull=False, city__longitude__isnull=False)
        .select_related("city")
        .order_by("city__name", "pk")
    )
    return MapFilter(request.GET, queryset=partnerships)


def _levels() -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in Partnership.Level.choices]


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    map_filter = _map_filter(request)
    query = request.GET.urlencode()
    return render(
        request,
        "partners/map.html",
        {
            "form": map_filter.form,
            "partnerships": _markers(map_filter.qs),
            "levels": _levels(),
            "data_url": reverse("partners:map_data") + (f"?{query}" if query else ""),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "home": settings.HOME_CITY,
        },
    )


def _markers(partnerships: QuerySet[Partnership]) -> list[dict[str, Any]]:
    """The JSON markers, built from plain rows: labels and the detail URL are looked up once
    per request, country names in ``country_name``'s cache, not once per partnership. (Per model instance,
    ``get_level_display()`` and ``reverse()`` cost about a millisecond each; with 5,000
    partnerships that was seconds.)"""
    levels = {value: str(label) for value, label in Partnership.Level.choices}
    statuses = {value: str(label) for value, label in Partnership.Status.choices}
    placeholder = "2147483647"  # reverse() once, then put each id in place of this one
    url_pattern = reverse("partners:partnership_detail", args=[int(placeholder)])
    rows = partnerships.values_list(
        "pk",
        "city__name",
        "city__name_hu",
        "city__country",
        "level",
        "status",
        "city__latitude",
        "city__longitude",
    )
    markers = []
    for pk, city, city_hu, country, level, status, latitude, longitude in rows:
        assert latitude is not None and longitude is not None  # the query keeps only those
        markers.append(
            {
                "id": pk,
                "city": local_city_name(city, city_hu),
                "country": country_name(country),
                "level": level,
                "level_label": levels.get(level, level),
                "status": status,
                "status_label": statuses.get(status, status),
                "lat": float(latitude),
                "lng": float(longitude),
                "url": url_pattern.replace(placeholder, str(pk)),
            }
        )
    return markers


@login_required
@permission_required("partners.view_partnership", raise_exception=True)
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    map_filter = _map_filter(request)
    home = settings.HOME_CITY
    return JsonResponse(
        {
            "home": {"name": home["name"], "lat": home["latitude"], "lng": home["longitude"]},
            "levels": _levels(),
            "partnerships": _markers(map_filter.qs),
            "errors": map_filter.errors.get_json_data() if map_filter.errors else {},
        }
    )
