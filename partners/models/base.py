"""Shared vocabulary: currencies, continents, themes, the 17 SDGs, and cities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.manager import MultilingualManager
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet
from cityrelations.core.text import folded
from cityrelations.core.translated import localized

from ..geo import continent_for_country, country_name


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    HUF = "HUF", "HUF"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"
    CHF = "CHF", "CHF"
    PLN = "PLN", "PLN"
    CZK = "CZK", "CZK"
    JPY = "JPY", "JPY"
    CNY = "CNY", "CNY"
    OTHER = "XXX", _("Other")


def currency_field() -> models.CharField[str, str]:
    """The currency of an amount beside it; euro unless said otherwise."""
    return models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    SOUTH_AMERICA = "SA", _("South America")
    OCEANIA = "OC", _("Oceania")
    ANTARCTICA = "AN", _("Antarctica")


class TimeStamped(ChoiceLabels, models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# --- Themes ---------------------------------------------------------------------------------------


class Theme(ChoiceLabels, models.Model):
    """A dimension of city diplomacy or an agenda topic. Its name and description are kept in
    every language (partners/translation.py): ``name`` reads the active language's."""

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("Dimension of city diplomacy")
        TOPIC = "topic", _("Agenda topic")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Declared, not only patched in by modeltranslation, so that type checkers know it.
    objects = MultilingualManager["Theme"]()

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        """The theme's name in every language that has one (what an import may call it)."""
        return [name for field in localized("name") if (name := getattr(self, field, None))]

    def clean(self) -> None:
        """A name names one theme in every language: imports and filters find a theme by its
        English or its Hungarian name, so "Kultúra" may not be one theme's Hungarian name and
        another's English one."""
        super().clean()
        taken = Theme.objects.exclude(pk=self.pk)
        errors: dict[str, list[str]] = {}
        for field in localized("name"):
            value = getattr(self, field, None)
            if value and taken.filter(_any_language("name", value)).exists():
                errors[field] = [
                    gettext("Another theme is already called “%(name)s”.") % {"name": value}
                ]
        if errors:
            raise ValidationError(errors)


def _any_language(field: str, value: str) -> Q:
    """Rows whose ``field`` equals ``value`` (any letter case) in one of the languages."""
    condition = Q()
    for column in localized(field):
        condition |= Q(**{f"{column}__iexact": value})
    return condition


class SDG(models.Model):
    """One of the 17 UN Sustainable Development Goals."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("name"), max_length=120)

    objects = MultilingualManager["SDG"]()

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")

    def __str__(self) -> str:
        # Translators: an SDG with its number and name ("11. FFC: Fenntartható városok…").
        return gettext("SDG %(number)s: %(name)s") % {"number": self.number, "name": self.name}

    @property
    def short_label(self) -> str:
        """The goal's number as a badge reads it: "SDG 11" ("11. FFC")."""
        return pgettext("badge", "SDG %(number)s") % {"number": self.number}


# --- Cities ---------------------------------------------------------------------------------------


def city_name_matches(value: str, prefix: str = "") -> Q:
    """Cities (or rows whose city, with ``prefix="city__"``) one of whose names contains
    ``value``, in any letter case, with or without accents: ``search_names`` holds both names
    folded (:func:`~cityrelations.core.text.folded`), and ``value`` is folded the same way, so
    "Zürich", "ZURICH" and "zurich" all find Zurich, and "becs" finds Bécs."""
    return Q(**{f"{prefix}search_names__contains": folded(value)})


# A city has one name besides the gazetteer's, the Hungarian one (``City.name_hu``, for the unit
# that works in Hungarian), not one per site language: this says when it shows. Under a third
# language the gazetteer's name shows.
def _shows_hungarian_city_names() -> bool:
    """Whether the active language is Hungarian ("hu", or a regional "hu-hu")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("hu")


def city_name_order(prefix: str = "") -> Any:
    """An expression to sort cities (or rows, by their ``prefix`` city) by the name the reader
    sees: in Hungarian the Hungarian name where there is one, else the gazetteer's."""
    if not _shows_hungarian_city_names():
        return F(f"{prefix}name")
    return Coalesce(NullIf(F(f"{prefix}name_hu"), Value("")), F(f"{prefix}name"))


def local_city_name(name: str, name_hu: str) -> str:
    """A city's name in the active language (see :attr:`City.display_name`); for code that
    reads the two names as values rather than a City."""
    return name_hu if name_hu and _shows_hungarian_city_names() else name


def city_search_names(name: str, name_hu: str) -> str:
    """What a city search matches: both names, folded (see :attr:`City.search_names`)."""
    return " ".join(folded(n) for n in (name, name_hu) if n)


def home_cities() -> models.QuerySet[City]:
    """The home city's row (settings.HOME_CITY), matched by either name; empty if not recorded."""
    home = settings.HOME_CITY
    name = home["name"]
    return City.objects.filter(country=home["country"]).filter(
        Q(name__iexact=name) | Q(name_hu__iexact=name)
    )


def home_city_partner_refusal(city: City) -> str:
    """Why ``city`` cannot be a partner: it is the home city."""
    return gettext("%(city)s is our own city: a partnership is always with another city.") % {
        "city": city.display_name
    }


# A city's own fields, in the order people fill them in (its form, its import columns).
CITY_FIELDS = (
    "name",
    "name_hu",
    "country",
    "region",
    "population",
    "latitude",
    "longitude",
    "timezone",
    "geonames_id",
    "notes",
)


class CityQuerySet(ForgivingSearchQuerySet["City"]):
    # ``search_names`` is already folded in Python; the search folds it again in the database.
    search_fields = ("search_names", "region")


class City(Versioned, TimeStamped):
    # The gazetteer's (GeoNames') name, not an English text: it identifies the city in imports,
    # in duplicate checks and against GeoNames, so it is one plain column and not translated
    # by modeltranslation. The Hungarian interface shows ``name_hu`` where there is one.
    name = models.CharField(_("name"), max_length=200)
    name_hu = models.CharField(
        _("Hungarian name"),
        max_length=200,
        blank=True,
        help_text=_("The city's Hungarian name (Bécs, Varsó), if it has one of its own."),
    )
    # Both names without case and accents ("vienna becs"): what every city search matches, so
    # "becs" finds Bécs. Kept by save(), like the continent.
    search_names = models.TextField(blank=True, editable=False)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True)
    continent = models.CharField(
        _("continent"), max_length=2, choices=Continent.choices, blank=True, editable=False
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    # The search text follows the names; a change of name is the change worth showing.
    history = HistoricalRecords(excluded_fields=["search_names"])
    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(
                fields=["geonames_id"],
                condition=Q(geonames_id__isnull=False),
                name="city_unique_geonames_id",
            ),
            models.UniqueConstraint(
                fields=["name", "country", "region"], name="city_unique_name_in_region"
            ),
        ]

    def __str__(self) -> str:
        name = self.display_name
        return f"{name}, {country_name(self.country)}" if self.country else name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.continent = continent_for_country(str(self.country))
        self.search_names = city_search_names(self.name, self.name_hu)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "name_hu"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_names"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return detail_url("partners:city_detail", self.pk)

    @property
    def display_name(self) -> str:
        """The name in the reader's language: the Hungarian one in the Hungarian interface when
        the city has one, the gazetteer's otherwise. Every page, email and export names a city
        through this (or ``str(city)``, which adds the country)."""
        return local_city_name(self.name, self.name_hu)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def is_home(self) -> bool:
        """Whether this is the home city (settings.HOME_CITY), by either of its names."""
        home = settings.HOME_CITY
        names = {folded(self.name), folded(self.name_hu)} - {""}
        return str(self.country) == home["country"] and folded(home["name"]) in names

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
