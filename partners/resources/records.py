"""The columns of each kind of record's file, how a row finds the record it updates, and the
registry the import pages read."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from import_export import fields

from ..models import City, Contact, Organization, Partnership
from ..models.base import CITY_FIELDS
from ..models.partnerships import LIFECYCLE_FIELDS
from ..models.people import CONTACT_FIELDS
from .base import ImportResource
from .cells import (
    BooleanWidget,
    ChoiceWidget,
    CityWidget,
    CountryWidget,
    DateWidget,
    NumberWidget,
    OrganizationWidget,
    PartnerCityWidget,
    TextWidget,
    UserWidget,
    cell_text,
)


def _with_country(names: tuple[str, ...]) -> tuple[str, ...]:
    """A record's columns, with its city's country right after the city: a file names a city
    by name, and the country tells apart cities of the same name."""
    return tuple(c for name in names for c in ((name, "country") if name == "city" else (name,)))


class CityResource(ImportResource):
    required_columns = ("name", "country")

    name = fields.Field("name", "name", TextWidget())
    name_hu = fields.Field("name_hu", "name_hu", TextWidget())
    country = fields.Field("country", "country", CountryWidget())
    region = fields.Field("region", "region", TextWidget())
    population = fields.Field("population", "population", NumberWidget(integer=True))
    latitude = fields.Field("latitude", "latitude", NumberWidget())
    longitude = fields.Field("longitude", "longitude", NumberWidget())
    timezone = fields.Field("timezone", "timezone", TextWidget())
    geonames_id = fields.Field("geonames_id", "geonames_id", NumberWidget(integer=True))
    notes = fields.Field("notes", "notes", TextWidget())

    class Meta:
        model = City
        fields = CITY_FIELDS
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        name = cell_text(row.get("name")).casefold()
        country = CountryWidget().clean(row.get("country"))
        return (
            (name, country, cell_text(row.get("region")).casefold()) if name and country else None
        )

    def find_existing(self, row: dict[str, Any]) -> City | None:
        key = self.natural_key(row)
        if key is None:
            return None
        name, country, region = key
        return City.objects.filter(
            name__iexact=name, country=country, region__iexact=region
        ).first()


class PartnershipResource(ImportResource):
    required_columns = ("city", "country", "level")

    city = fields.Field("city", "city", PartnerCityWidget(required=True))
    country = fields.Field("city__country", "country", CountryWidget(), readonly=True)
    level = fields.Field("level", "level", ChoiceWidget(Partnership.Level))
    status = fields.Field(
        "status", "status", ChoiceWidget(Partnership.Status, default=Partnership.Status.PROPOSED)
    )
    proposed_on = fields.Field("proposed_on", "proposed_on", DateWidget())
    established_on = fields.Field("established_on", "established_on", DateWidget())
    ended_on = fields.Field("ended_on", "ended_on", DateWidget())
    council_resolution = fields.Field("council_resolution", "council_resolution", TextWidget())
    council_resolution_on = fields.Field(
        "council_resolution_on", "council_resolution_on", DateWidget()
    )
    coordinator = fields.Field("coordinator", "coordinator", UserWidget())
    summary = fields.Field("summary", "summary", TextWidget())
    notes = fields.Field("notes", "notes", TextWidget())
    is_public = fields.Field("is_public", "is_public", BooleanWidget())

    class Meta:
        model = Partnership
        fields = _with_country(
            ("city", "level", *LIFECYCLE_FIELDS, "coordinator", "summary", "notes", "is_public")
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self) -> models.QuerySet[Partnership]:
        return Partnership.objects.select_related("city", "coordinator")

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        city = CityWidget(required=True).clean(row.get("city"), row)
        return (city.pk,) if city else None

    def find_existing(self, row: dict[str, Any]) -> Partnership | None:
        """The city's open partnership (there is at most one, by constraint)."""
        key = self.natural_key(row)
        if key is None:
            return None
        return Partnership.objects.open().filter(city_id=key[0]).first()


class OrganizationResource(ImportResource):
    required_columns = ("name", "kind")

    name = fields.Field("name", "name", TextWidget())
    acronym = fields.Field("acronym", "acronym", TextWidget())
    kind = fields.Field("kind", "kind", ChoiceWidget(Organization.Kind))
    country = fields.Field("country", "country", CountryWidget())
    city = fields.Field("city", "city", CityWidget(required=False))
    website = fields.Field("website", "website", TextWidget())
    description = fields.Field("description", "description", TextWidget())

    class Meta:
        model = Organization
        fields = ("name", "acronym", "kind", "country", "city", "website", "description")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self) -> models.QuerySet[Organization]:
        return Organization.objects.select_related("city")

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        name = cell_text(row.get("name")).casefold()
        return (name,) if name else None

    def find_existing(self, row: dict[str, Any]) -> Organization | None:
        name = cell_text(row.get("name"))
        return Organization.objects.filter(name__iexact=name).first() if name else None


class ContactResource(ImportResource):
    """Contacts are matched by email address, or by full name when there is no email."""

    required_columns = ("last_name",)

    honorific = fields.Field("honorific", "honorific", TextWidget())
    first_name = fields.Field("first_name", "first_name", TextWidget())
    last_name = fields.Field("last_name", "last_name", TextWidget())
    form_of_address = fields.Field("form_of_address", "form_of_address", TextWidget())
    email = fields.Field("email", "email", TextWidget())
    phone = fields.Field("phone", "phone", TextWidget())
    city = fields.Field("city", "city", CityWidget(required=False))
    country = fields.Field("city__country", "country", CountryWidget(), readonly=True)
    organization = fields.Field("organization", "organization", OrganizationWidget())
    languages = fields.Field("languages", "languages", TextWidget())
    protocol_notes = fields.Field("protocol_notes", "protocol_notes", TextWidget())
    notes = fields.Field("notes", "notes", TextWidget())

    class Meta:
        model = Contact
        fields = _with_country(CONTACT_FIELDS)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._by_email: dict[str, Contact] = {}
        self._by_name: dict[tuple[str, str], list[Contact]] = {}

    def get_queryset(self) -> models.QuerySet[Contact]:
        return Contact.objects.select_related("city", "organization")

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        email = cell_text(row.get("email")).lower()
        if email:
            return ("email", email)
        last = cell_text(row.get("last_name")).lower()
        return ("name", cell_text(row.get("first_name")).lower(), last) if last else None

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Load the file's existing contacts in two queries, not two per row: case-insensitive
        look-ups cannot use an index, and there may be 100,000 contacts."""
        keys = [self.natural_key(dict(zip(dataset.headers, r, strict=False))) for r in dataset]
        emails = {k[1] for k in keys if k and k[0] == "email"}
        last_names = {k[2] for k in keys if k and k[0] == "name"}
        self._by_email = {}
        self._by_name = {}
        if emails:
            for contact in Contact.objects.annotate(key=Lower("email")).filter(key__in=emails):
                self._by_email.setdefault(cast(Any, contact).key, contact)
        if last_names:
            contacts = Contact.objects.annotate(
                first=Lower("first_name"), last=Lower("last_name")
            ).filter(last__in=last_names)
            for person in contacts:
                annotated = cast(Any, person)  # the lower-cased names annotated above
                name = (annotated.first, annotated.last)
                self._by_name.setdefault(name, []).append(person)

    def find_existing(self, row: dict[str, Any]) -> Contact | None:
        key = self.natural_key(row)
        if key is None:
            return None
        if key[0] == "email":
            return self._by_email.get(key[1])
        matches = self._by_name.get((key[1], key[2]), [])
        if len(matches) > 1:
            raise ValidationError(
                _("Several contacts have this name: add their email address to tell them apart.")
            )
        return matches[0] if matches else None


RESOURCES: dict[str, type[ImportResource]] = {
    "cities": CityResource,
    "partnerships": PartnershipResource,
    "organizations": OrganizationResource,
    "contacts": ContactResource,
}
