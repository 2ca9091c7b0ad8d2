"""django-import-export resources: the columns of the CSV/XLSX import and export files.

Used by the staff import pages (partners/views/imports.py) and by the admin. Every value that
cannot be read becomes a ``ValueError`` with a message for people, so that it is reported as a
field error on its row instead of a crash. Rows that repeat an earlier row's natural key are
invalid (``Duplicate of row N``), so a file never updates the same record twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets

from cityrelations.core.exports import safe_cell

from .models import City, Contact, Organization, Partnership
from .models.base import CITY_FIELDS
from .models.partnerships import LIFECYCLE_FIELDS
from .models.people import CONTACT_FIELDS

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y.%m.%d", "%d/%m/%Y")
FIRST_DATA_LINE = 2  # line 1 of a file holds the column names


@dataclass(frozen=True)
class FieldChange:
    """One field of an existing record that a row changes, as the file would show it."""

    column: str
    old: str
    new: str


def is_empty_cell(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX stores 1200 as 1200.0
    return str(value).strip()


# --- Widgets ------------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return _text(value)


class CountryWidget(widgets.Widget):
    """An ISO 3166 code ("AT") or an English country name ("Austria")."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        code = text.upper() if text.upper() in dict(countries) else countries.by_name(text)
        if not code:
            raise ValueError(
                _("Unknown country “%(value)s”: use a two-letter code (AT) or the English name.")
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value.code if hasattr(value, "code") else value or "")


class ChoiceWidget(widgets.Widget):
    """A choice by its code ("sister") or its label ("Sister city"), in any letter case."""

    def __init__(self, choices: type[models.TextChoices], default: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value).casefold()
        if not text:
            if self.default:
                return self.default
            raise ValueError(_("This column is required."))
        for code, label in self.choices.choices:
            if text in (str(code).casefold(), str(label).casefold()):
                return str(code)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": _text(value), "allowed": ", ".join(self.choices.values)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class DateWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not text:
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date: use YYYY-MM-DD.") % {"value": text})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class NumberWidget(widgets.Widget):
    def __init__(self, *, integer: bool = False) -> None:
        super().__init__()
        self.integer = integer

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | int | None:
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        try:
            number = Decimal(
                text.replace(",", ".")
                if text.count(",") == 1 and "." not in text
                else text.replace(",", "")
            )
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) > Decimal("1e15"):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if self.integer:
            if number != number.to_integral_value():
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
            return int(number)
        return number

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class BooleanWidget(widgets.Widget):
    TRUE = {"1", "true", "yes", "y", "x", "igen"}
    FALSE = {"0", "false", "no", "n", "", "nem"}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": _text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class UserWidget(widgets.Widget):
    """A staff user by username or email address."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = _text(value)
        if not text:
            return None
        users = get_user_model().objects.filter(
            models.Q(username__iexact=text) | models.Q(email__iexact=text), is_active=True
        )[:2]
        if len(users) != 1:
            raise ValueError(_("No single active user “%(value)s”.") % {"value": text})
        return users[0]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.get_username() if value else ""


class CityWidget(widgets.Widget):
    """A city by name, narrowed by the row's ``country`` column when the file has one."""

    def __init__(self, *, required: bool, country_column: str = "country") -> None:
        super().__init__()
        self.required = required
        self.country_column = country_column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> City | None:
        name = _text(value)
        if not name:
            if self.required:
                raise ValueError(_("This column is required."))
            return None
        cities = City.objects.filter(name__iexact=name)
        country = CountryWidget().clean((row or {}).get(self.country_column))
        if country:
            cities = cities.filter(country=country)
        found = list(cities[:2])
        where = f"{name}, {country}" if country else name
        if not found:
            raise ValueError(
                _("No city “%(city)s”: add it first (import cities or pick it from the gazetteer).")
                % {"city": where}
            )
        if len(found) > 1:
            raise ValueError(
                _("Several cities are called “%(city)s”: add a country column.") % {"city": where}
            )
        return found[0]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


class OrganizationWidget(widgets.Widget):
    """An organisation by name or acronym."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organization | None:
        text = _text(value)
        if not text:
            return None
        found = list(
            Organization.objects.filter(
                models.Q(name__iexact=text) | models.Q(acronym__iexact=text)
            )[:2]
        )
        if len(found) != 1:
            raise ValueError(
                _("No single organisation “%(value)s”: import organisations first.")
                % {"value": text}
            )
        return found[0]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


def _shown(field: Any, value: Any) -> str:
    return "" if value is None or value == "" else str(field.widget.render(value))


# --- Resources ----------------------------------------------------------------------------------


def _with_country(fields: tuple[str, ...]) -> tuple[str, ...]:
    """A record's columns, with its city's country right after the city: a file names a city
    by name, and the country tells apart cities of the same name."""
    return tuple(c for name in fields for c in ((name, "country") if name == "city" else (name,)))


class ImportResource(resources.ModelResource):
    """Shared behaviour: column checks, natural keys, duplicate rows, formula-safe export."""

    required_columns: tuple[str, ...] = ()

    def __init__(self, *, clear_empty: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clear_empty = clear_empty
        self._seen: dict[tuple[Any, ...], int] = {}
        # What each updated row changes, by import-export's row number (1 = first data row).
        self.changes: dict[int, list[FieldChange]] = {}

    @classmethod
    def column_names(cls) -> list[str]:
        return [field.column_name for field in cls().get_import_fields()]

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        """What identifies the row's record; None: no duplicate check."""
        return None

    def find_existing(self, row: dict[str, Any]) -> models.Model | None:
        """The record the row updates; None: the row creates a new one."""
        return None

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> models.Model | None:
        try:
            return self.find_existing(row)
        except ValueError:
            return None  # the field itself reports the problem

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        try:
            key = self.natural_key(row)
        except ValueError:
            key = None
        if key is None:
            return
        number = kwargs.get("row_number", 0) + FIRST_DATA_LINE - 1
        if key in self._seen:
            raise ValidationError(
                _("Duplicate of row %(row)s: each record may appear only once in a file.")
                % {"row": self._seen[key]}
            )
        self._seen[key] = number

    def _keeps_value(self, field: Any, instance: models.Model) -> bool:
        """Whether an empty cell leaves this field of an existing record as it is.

        Always, unless the user asked for empty cells to clear values; even then a flag (an
        empty cell is not "no") and a required field (nothing to clear it to) are kept.
        """
        if instance.pk is None:
            return False
        if not self.clear_empty:
            return True
        model_field = instance._meta.get_field(field.attribute)
        return isinstance(model_field, models.BooleanField) or not getattr(
            model_field, "blank", False
        )

    def import_field(self, field: Any, instance: Any, row: Any, is_m2m: bool = False, **kw: Any):  # type: ignore[no-untyped-def]
        empty = field.column_name in row and is_empty_cell(row[field.column_name])
        if empty and not field.readonly and self._keeps_value(field, instance):
            return
        try:
            super().import_field(field, instance, row, is_m2m, **kw)
        except (ArithmeticError, TypeError) as exc:
            raise ValueError(_("This value cannot be read.")) from exc

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Import the row's cells, noting for an existing record each field that changes."""
        if instance.pk is None:
            super().import_instance(instance, row, **kwargs)
            return
        tracked = [
            f
            for f in self.get_import_fields()
            if f.attribute and not f.readonly and f.column_name in row
        ]
        before = [f.get_value(instance) for f in tracked]
        super().import_instance(instance, row, **kwargs)
        self.changes[kwargs.get("row_number", 0)] = [
            FieldChange(f.column_name, _shown(f, old), _shown(f, f.get_value(instance)))
            for f, old in zip(tracked, before, strict=True)
            if f.get_value(instance) != old
        ]

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return safe_cell(super().export_field(field, instance, **kwargs))


class CityResource(ImportResource):
    required_columns = ("name", "country")

    name = fields.Field("name", "name", TextWidget())
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
        name = _text(row.get("name")).casefold()
        country = CountryWidget().clean(row.get("country"))
        return (name, country, _text(row.get("region")).casefold()) if name and country else None

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

    city = fields.Field("city", "city", CityWidget(required=True))
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
        name = _text(row.get("name")).casefold()
        return (name,) if name else None

    def find_existing(self, row: dict[str, Any]) -> Organization | None:
        name = _text(row.get("name"))
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
        email = _text(row.get("email")).lower()
        if email:
            return ("email", email)
        last = _text(row.get("last_name")).lower()
        return ("name", _text(row.get("first_name")).lower(), last) if last else None

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
                self._by_email.setdefault(contact.key, contact)  # type: ignore[attr-defined]
        if last_names:
            contacts = Contact.objects.annotate(
                first=Lower("first_name"), last=Lower("last_name")
            ).filter(last__in=last_names)
            for person in contacts:
                name = (person.first, person.last)  # type: ignore[attr-defined]
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
