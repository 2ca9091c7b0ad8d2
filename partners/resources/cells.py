"""Reading cells: each widget turns what a spreadsheet cell holds into a field's value, and a
value it cannot read into a ``ValueError`` with a message for people (a field error on its
row, not a crash)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import widgets

from cityrelations.core.languages import in_each_language, site_language_codes

from ..models import City, Organization, home_city_partner_refusal

_lazy_yes, _lazy_no = gettext_lazy("yes"), gettext_lazy("no")
# ISO first, then what spreadsheets in the unit's languages write: Hungarian "2026. 12. 07." (with
# or without spaces and final dot), German-style "07.12.2026", and day-first "07/12/2026".
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y. %m. %d.",
    "%Y.%m.%d.",
    "%Y. %m. %d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
)


def in_every_language(text: Any) -> set[str]:
    """``text`` (a lazy translation) in each of the site's languages, folded for comparing: a
    file exported in one language is read back in any."""
    return {translated.casefold() for translated in in_each_language(str, text).values()}


def is_empty_cell(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX stores 1200 as 1200.0
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)


class CountryWidget(widgets.Widget):
    """An ISO 3166 code ("AT") or a country's name in one of the site's languages ("Austria",
    "Ausztria")."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text:
            return ""
        code = text.upper() if text.upper() in dict(countries) else _country_by_name(text)
        if not code:
            raise ValueError(
                _("Unknown country “%(value)s”: use a two-letter code (AT) or the country’s name.")
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value.code if hasattr(value, "code") else value or "")


def _country_by_name(name: str) -> str:
    """The code of the country called ``name`` in any of the site's languages ("Ausztria")."""
    for language in site_language_codes():
        if code := countries.by_name(name, language=language):
            return code
    return ""


class ChoiceWidget(widgets.Widget):
    """A choice by its code ("sister") or its label in any of the site's languages ("Sister
    city", "Testvérváros"), in any letter case; written as its label in the reader's language."""

    def __init__(self, choices: type[models.TextChoices], default: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.default = default
        self._codes: dict[str, str] | None = None

    @property
    def codes(self) -> dict[str, str]:
        """Every spelling a cell may use (code, label in each language), folded, to its code:
        worked out on first use, not once per cell."""
        if self._codes is None:
            self._codes = {}
            for code, label in self.choices.choices:
                self._codes.update({name: str(code) for name in in_every_language(label)})
                self._codes[str(code).casefold()] = str(code)
        return self._codes

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value).casefold()
        if not text:
            if self.default:
                return self.default
            raise ValueError(_("This column is required."))
        if text in self.codes:
            return self.codes[text]
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": cell_text(value), "allowed": ", ".join(map(str, self.choices.labels))}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        labels = dict(self.choices.choices)
        return str(labels.get(value, value or ""))


class DateWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
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
        # A leading apostrophe is how files exported before numbers were spared the formula
        # guard wrote a negative number ("'-12.5"): read it as the number.
        text = cell_text(value).replace(" ", "").replace("\u00a0", "").removeprefix("'")
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
    """Yes or no, as a word in any of the site's languages or as 1/0, true/false, x."""

    TRUE = {"1", "true", "yes", "y", "x"}
    FALSE = {"0", "false", "no", "n", ""}

    @functools.cached_property
    def words(self) -> tuple[set[str], set[str]]:
        """The yes and the no spellings, with "yes"/"no" in each language: worked out on first
        use, not once per cell."""
        return self.TRUE | in_every_language(_lazy_yes), self.FALSE | in_every_language(_lazy_no)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        yes, no = self.words
        if text in yes:
            return True
        if text in no:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": cell_text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return _("yes") if value else _("no")


class UserWidget(widgets.Widget):
    """A staff user by username or email address."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = cell_text(value)
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
    """A city by its (gazetteer) name, else by its Hungarian name, narrowed by the row's
    ``country`` column when the file has one. Written out by its gazetteer name, which the file
    is read back by."""

    def __init__(self, *, required: bool, country_column: str = "country") -> None:
        super().__init__()
        self.required = required
        self.country_column = country_column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> City | None:
        name = cell_text(value)
        if not name:
            if self.required:
                raise ValueError(_("This column is required."))
            return None
        country = CountryWidget().clean((row or {}).get(self.country_column))
        cities = City.objects.filter(country=country) if country else City.objects.all()
        # The gazetteer's name first: a Hungarian name given to another city later must not
        # make a file that imported before ambiguous. The Hungarian name only when no city has
        # that gazetteer name.
        found = list(cities.filter(name__iexact=name)[:2]) or list(
            cities.filter(name_hu__iexact=name)[:2]
        )
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


class PartnerCityWidget(CityWidget):
    """A partnership's city: any city but the home city."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> City | None:
        city = super().clean(value, row, **kwargs)
        if city is not None and city.is_home:
            raise ValueError(home_city_partner_refusal(city))
        return city


class OrganizationWidget(widgets.Widget):
    """An organisation by name or acronym."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organization | None:
        text = cell_text(value)
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
