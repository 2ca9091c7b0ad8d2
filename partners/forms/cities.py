"""City forms: the gazetteer-prefilled create/edit form and the list filter."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin

from ..geo import GazetteerCity, city_by_geonames_id
from ..models import City
from ..models.base import CITY_FIELDS


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def gazetteer_initial(place: GazetteerCity) -> dict[str, Any]:
    """Form initial data for a gazetteer city (coordinates rounded to the model's precision)."""
    return {
        "geonames_id": place["geonames_id"],
        "name": place["name"],
        "country": place["country"],
        "population": place["population"] or None,
        "latitude": Decimal(str(round(place["latitude"], 6))),
        "longitude": Decimal(str(round(place["longitude"], 6))),
        "timezone": place["timezone"],
    }


def duplicate_city(
    *, name: str, country: str, region: str, geonames_id: int | None, exclude_pk: int | None = None
) -> City | None:
    """The existing city that the given one would duplicate: same GeoNames id, or the same name
    in the same country and region (case-insensitive)."""
    match = Q(name__iexact=name.strip(), country=country, region__iexact=region.strip())
    if geonames_id:
        match |= Q(geonames_id=geonames_id)
    candidates = City.objects.filter(match)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    return candidates.order_by("pk").first()


def duplicate_message(city: City) -> str:
    return format_html(
        gettext('This city is already in the register: <a href="{url}">{city}</a>.'),
        url=city.get_absolute_url(),
        city=city,
    )


class CityForm(VersionedFormMixin, forms.ModelForm):
    geonames_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = City
        fields = CITY_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "region": _("State, province or county; tells apart towns of the same name."),
            "timezone": _("IANA name, e.g. Europe/Vienna."),
        }

    def clean_geonames_id(self) -> int | None:
        geonames_id = self.cleaned_data.get("geonames_id")
        if geonames_id and city_by_geonames_id(geonames_id) is None:
            raise forms.ValidationError(_("This GeoNames id is not in the gazetteer."))
        return geonames_id

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_region(self) -> str:
        return self.cleaned_data.get("region", "").strip()

    def clean_timezone(self) -> str:
        value = self.cleaned_data.get("timezone", "").strip()
        if value and value not in _time_zones():
            raise forms.ValidationError(
                _("“%(value)s” is not a known time zone (use a name like Europe/Vienna)."),
                params={"value": value},
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        coordinate_errors = self.has_error("latitude") or self.has_error("longitude")
        if (latitude is None) != (longitude is None) and not coordinate_errors:
            self.add_error(
                "latitude" if latitude is None else "longitude",
                _("Give both latitude and longitude, or neither."),
            )
        if data.get("name") and data.get("country") and not self.errors:
            existing = duplicate_city(
                name=data["name"],
                country=str(data["country"]),
                region=data.get("region", ""),
                geonames_id=data.get("geonames_id"),
                exclude_pk=self.instance.pk,
            )
            if existing is not None:
                # Reported on the whole form; the model constraints are then not re-checked.
                raise forms.ValidationError(duplicate_message(existing), code="duplicate")
        return data

    def _get_validation_exclusions(self) -> set[str]:
        # clean() already refused a duplicate with a message linking to the existing city; skip
        # the model's uniqueness constraints then, so the same problem is not reported twice.
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]
        if self.has_error(NON_FIELD_ERRORS, code="duplicate"):
            exclude |= {"geonames_id", "name", "country", "region"}
        return exclude


class CitySearchForm(forms.Form):
    """The gazetteer search box on the create page (also works as a plain GET form)."""

    q = forms.CharField(
        label=_("Find a city in the gazetteer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
