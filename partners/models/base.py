"""Shared vocabulary: currencies, continents, themes, the 17 SDGs, and cities."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.links import detail_url

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
    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("Dimension of city diplomacy")
        TOPIC = "topic", _("Agenda topic")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class SDG(models.Model):
    """One of the 17 UN Sustainable Development Goals."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.name}"


# --- Cities ---------------------------------------------------------------------------------------


# A city's own fields, in the order people fill them in (its form, its import columns).
CITY_FIELDS = (
    "name",
    "country",
    "region",
    "population",
    "latitude",
    "longitude",
    "timezone",
    "geonames_id",
    "notes",
)


class City(Versioned, TimeStamped):
    name = models.CharField(_("name"), max_length=200)
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

    history = HistoricalRecords()

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
        return f"{self.name}, {country_name(self.country)}" if self.country else self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.continent = continent_for_country(str(self.country))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return detail_url("partners:city_detail", self.pk)

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
