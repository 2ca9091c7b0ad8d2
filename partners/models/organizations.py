"""Organisations (networks, international organisations…) and the city's memberships."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, optional_link, staff_link
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet

from ..geo import country_name
from .base import City, Theme, TimeStamped, currency_field

if TYPE_CHECKING:
    from .partnerships import Partnership


class OrganizationQuerySet(ForgivingSearchQuerySet["Organization"]):
    search_fields = ("name", "acronym", "description")


class Organization(Versioned, TimeStamped):
    class Kind(models.TextChoices):
        NETWORK = "network", _("City network")
        INTERNATIONAL = "international", _("International organisation")
        EU_INSTITUTION = "eu", _("EU institution")
        EMBASSY = "embassy", _("Embassy / consulate")
        NGO = "ngo", _("NGO")
        BUSINESS = "business", _("Business")
        CHAMBER = "chamber", _("Chamber of commerce")
        INVESTMENT_AGENCY = "investment_agency", _("Investment promotion agency")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    city = optional_link(City, _("seat"), related_name="organizations")
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return detail_url("partners:organization_detail", self.pk)

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=today))

    def fees_due(self, within_days: int = 90) -> MembershipQuerySet:
        horizon = timezone.localdate() + dt.timedelta(days=within_days)
        return self.current().filter(fee_due_on__isnull=False, fee_due_on__lte=horizon)

    def shared_with(self, partnership: Partnership) -> MembershipQuerySet:
        """The home city's current memberships of organisations in which the partner city also
        takes part, as far as the records show it: the organisation has its seat there, holds
        an office or a contact there, or shares a cooperation project with the partnership or
        an agreement with the city. (Other cities' memberships are not recorded, so this is
        "the same networks" as the data allows.) One query, Exists conditions."""
        city_id = partnership.city_id
        organization = OuterRef("organization")
        offices = apps.get_model("partners", "Office").objects.filter(
            organization=organization, city_id=city_id
        )
        contacts = apps.get_model("partners", "Contact").objects.filter(
            organization=organization, city_id=city_id
        )
        project_model = apps.get_model("partners", "Project")
        projects = project_model.objects.filter(
            organizations=organization, partnerships=partnership
        )
        agreements = (
            apps.get_model("partners", "Agreement")
            .objects.filter(organizations=organization)
            .filter(Q(partnership=partnership) | Q(cities=city_id))
        )
        return self.current().filter(
            Q(organization__city_id=city_id)
            | Exists(offices)
            | Exists(contacts)
            | Exists(projects)
            | Exists(agreements)
        )

    def reports_due(self, within_days: int = 90) -> MembershipQuerySet:
        horizon = timezone.localdate() + dt.timedelta(days=within_days)
        return self.current().filter(
            next_report_due_on__isnull=False, next_report_due_on__lte=horizon
        )


class Membership(Versioned, TimeStamped):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("role / tier"), max_length=120, blank=True, help_text=_("e.g. member, board, founder")
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(_("member until"), null=True, blank=True)
    annual_fee = amount_field(_("annual fee"), max_digits=12)
    fee_currency = currency_field()
    fee_due_on = models.DateField(_("fee due on"), null=True, blank=True)
    focal_point = models.ForeignKey(
        "Contact",
        verbose_name=_("focal point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point_for",
    )
    coordinator = staff_link(_("coordinator"), related_name="coordinated_memberships")
    working_groups = models.TextField(_("working groups"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    next_report_due_on = models.DateField(_("next report due on"), null=True, blank=True)
    reporting_notes = models.TextField(_("reporting obligations"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "-since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(until__isnull=True),
                name="membership_one_open_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(until__gte=models.F("since")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return detail_url("partners:organization_detail", self.organization_id)
