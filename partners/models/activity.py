"""Interactions (the timelines) and cooperation projects."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, staff_link
from cityrelations.core.formats import format_date
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet

from .base import SDG, Theme, TimeStamped, currency_field
from .organizations import Organization
from .partnerships import Partnership
from .people import Contact


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def timeline(self) -> InteractionQuerySet:
        return self.select_related("partnership__city", "organization", "recorded_by").order_by(
            "-occurred_on", "-pk"
        )


class Interaction(Versioned, TimeStamped):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        EVENT = "event", _("Event")
        VISIT = "visit", _("Visit")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    subject = models.CharField(_("subject"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), blank=True, related_name="interactions"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = staff_link(_("recorded by"))
    is_public = models.BooleanField(_("public"), default=False)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["partnership", "-occurred_on"], name="interaction_partnership"),
            models.Index(fields=["organization", "-occurred_on"], name="interaction_organization"),
            models.Index(fields=["-occurred_on"], name="interaction_recent"),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.occurred_on)} {self.get_kind_display()}: {self.subject}"


class ProjectQuerySet(ForgivingSearchQuerySet["Project"]):
    search_fields = ("title", "description", "funding_programme")


class Project(Versioned, TimeStamped):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=250)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    partnerships = models.ManyToManyField(
        Partnership, verbose_name=_("partnerships"), blank=True, related_name="projects"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="projects"
    )
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    budget = amount_field(_("budget"), max_digits=14)
    currency = currency_field()
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    coordinator = staff_link(_("coordinator"), related_name="coordinated_projects")
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("partners:project_detail", self.pk)
