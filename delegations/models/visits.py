"""Visits (incoming and outgoing delegations) and the record of their workflow steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.fields import DateRangeField
from django.db import connections, models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import F, Func, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, optional_link, staff_link
from cityrelations.core.formats import date_range
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet
from partners.models import (
    SDG,
    City,
    Contact,
    Opportunity,
    Organization,
    Partnership,
    Task,
    Theme,
    currency_field,
)


def date_span(prefix: str = "") -> Func:
    """The visit's days as a PostgreSQL range; migration 0004 indexes exactly this expression.
    ``prefix`` reaches the visit through a relation (``"visit__"`` from a participant)."""
    return Func(
        F(f"{prefix}start_date"),
        F(f"{prefix}end_date"),
        Value("[]"),
        function="daterange",
        output_field=DateRangeField(),
    )


class VisitQuerySet(ForgivingSearchQuerySet["Visit"]):
    search_fields = ("title", "purpose")

    def overlapping(self, start: dt.date, end: dt.date) -> VisitQuerySet:
        """Visits with at least one day in [start, end]."""
        if connections[self.db].vendor == "postgresql":  # the GiST index on the span
            return self.alias(span=date_span()).filter(span__overlap=DateRange(start, end, "[]"))
        return self.filter(start_date__lte=end, end_date__gte=start)

    def live(self) -> VisitQuerySet:
        """Visits that still take place (not declined or cancelled)."""
        return self.exclude(status__in=[Visit.Status.DECLINED, Visit.Status.CANCELLED])

    def awaiting_review(self) -> VisitQuerySet:
        return self.filter(status=Visit.Status.SUBMITTED)

    def not_awaiting_review(self) -> VisitQuerySet:
        """Every other visit: the review queue lists these below the ones to decide on."""
        return self.exclude(status=Visit.Status.SUBMITTED)

    def upcoming(self, days: int = 30) -> VisitQuerySet:
        today = timezone.localdate()
        # Plain date conditions, not overlapping(): the queue pages these by start date, and
        # the B-tree on (start_date, end_date) serves that order; the GiST index cannot.
        return self.live().filter(
            end_date__gte=today, start_date__lte=today + dt.timedelta(days=days)
        )

    def for_partnership(self, partnership: Partnership) -> VisitQuerySet:
        """Visits of the partnership, or to or from its city (each once): what its hub shows and
        the list's ``?partnership=`` finds."""
        return self.filter(pk__in=self.ids_for_partnership(partnership))

    def ids_for_partnership(self, partnership: Partnership) -> QuerySet[Any]:
        """The ids of those visits, as one UNION of two index look-ups: "partnership = X OR
        EXISTS (a visit city = Y)" made PostgreSQL read every visit (20 ms at 50,000)."""
        to_city = Visit.cities.through.objects.filter(city_id=partnership.city_id)
        own = Visit.objects.filter(partnership=partnership).order_by().values("pk")
        return own.union(to_city.order_by().values("visit_id"))

    def for_organization(self, organization: Organization) -> VisitQuerySet:
        with_it = Visit.organizations.through.objects.filter(
            visit_id=models.OuterRef("pk"), organization_id=organization.pk
        )
        return self.filter(models.Exists(with_it))

    def for_opportunity(self, opportunity: Opportunity) -> VisitQuerySet:
        with_it = Visit.opportunities.through.objects.filter(
            visit_id=models.OuterRef("pk"), opportunity_id=opportunity.pk
        )
        return self.filter(models.Exists(with_it))

    def for_contact(self, contact: Contact) -> VisitQuerySet:
        """Visits the contact took part in, or headed."""
        took_part = apps.get_model("delegations", "Participant").objects.filter(
            visit_id=models.OuterRef("pk"), contact_id=contact.pk
        )
        return self.filter(Q(head_of_delegation=contact) | models.Exists(took_part))

    def on_calendar(self) -> VisitQuerySet:
        """What the mayor's calendar feed shows: approved and confirmed visits."""
        return self.filter(status__in=[Visit.Status.APPROVED, Visit.Status.CONFIRMED])

    def public_completed_between(self, start: dt.date, end: dt.date) -> VisitQuerySet:
        """Completed visits marked public that ended within [start, end] (the newsletter reads this)."""
        return self.filter(
            status=Visit.Status.COMPLETED, is_public=True, end_date__gte=start, end_date__lte=end
        )


class Visit(Versioned, ChoiceLabels, models.Model):
    class Direction(models.TextChoices):
        INCOMING = "incoming", _("Incoming")
        OUTGOING = "outgoing", _("Outgoing")

    class Level(models.TextChoices):
        MAYOR = "mayor", _("Mayor")
        DEPUTY_MAYOR = "deputy_mayor", _("Deputy mayor")
        OFFICIAL = "official", _("Official")
        TECHNICAL = "technical", _("Technical")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        DECLINED = "declined", _("Declined")
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=250)
    purpose = models.TextField(_("purpose"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    cities = models.ManyToManyField(
        City, verbose_name=_("cities"), blank=True, related_name="visits"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="visits"
    )
    partnership = optional_link(Partnership, _("partnership"), related_name="visits")
    # The leads a visit serves (a delegation of investors, a trade mission): the opportunity's
    # page lists them.
    opportunities = models.ManyToManyField(
        Opportunity, verbose_name=_("business opportunities"), blank=True, related_name="visits"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), blank=True)
    budget = amount_field(_("budget"), max_digits=14)
    currency = currency_field()
    head_of_delegation = optional_link(
        Contact, _("head of delegation"), related_name="headed_visits"
    )
    owner = staff_link(_("owner"), related_name="owned_visits")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Post-visit report.
    outcomes = models.TextField(_("outcomes"), blank=True)
    report_completed_at = models.DateTimeField(_("report completed"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("A completed public visit may appear in the newsletter."),
    )
    public_summary = models.TextField(_("public summary"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The report's follow-ups: tasks linked to the visit (deleted with it).
    tasks = GenericRelation(Task, related_query_name="visit")

    history = HistoricalRecords()
    objects = VisitQuerySet.as_manager()

    # The plan (details, people, itinerary, logistics) can change until the visit is over or off.
    EDITABLE_STATUSES = frozenset(
        {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.CHANGES_REQUESTED,
            Status.APPROVED,
            Status.CONFIRMED,
        }
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        permissions = [("review_visit", _("Can approve, request changes to or decline visits"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="visit_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="visit_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"], name="visit_dates"),
            models.Index(fields=["status", "start_date"], name="visit_status_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("delegations:visit_detail", self.pk)

    @property
    def dates(self) -> str:
        return date_range(self.start_date, self.end_date)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def can_delete(self) -> bool:
        """Only a draft is deleted; a visit that went further is cancelled, so its trail stays."""
        return self.status == self.Status.DRAFT

    @property
    def can_publish(self) -> bool:
        """Whether the publish form may open: for a completed visit, or to withdraw a public one."""
        return self.status == self.Status.COMPLETED or self.is_public

    @property
    def city_names(self) -> str:
        """The visit's cities ("Graz, Austria, Linz, Austria"), from the prefetched list."""
        return ", ".join(str(city) for city in self.cities.all())

    @property
    def status_badge(self) -> str:
        """The Bootstrap badge class of the status (decided, waiting, stopped, done)."""
        return STATUS_BADGES.get(self.status, "text-bg-secondary")

    @property
    def status_tone(self) -> str:
        """The Bootstrap colour of the status for the calendar's chips (``bg-<tone>-subtle``
        with ``text-<tone>-emphasis``: Bootstrap's pairs keep AA contrast)."""
        return STATUS_TONES.get(self.status, "secondary")


STATUS_TONES: dict[str, str] = {
    Visit.Status.DRAFT: "secondary",
    Visit.Status.SUBMITTED: "info",
    Visit.Status.CHANGES_REQUESTED: "warning",
    Visit.Status.APPROVED: "success",
    Visit.Status.CONFIRMED: "primary",
    Visit.Status.COMPLETED: "dark",
    Visit.Status.DECLINED: "danger",
    Visit.Status.CANCELLED: "danger",
}

STATUS_BADGES: dict[str, str] = {
    Visit.Status.SUBMITTED: "text-bg-info",
    Visit.Status.APPROVED: "text-bg-success",
    Visit.Status.CONFIRMED: "text-bg-success",
    Visit.Status.CHANGES_REQUESTED: "text-bg-warning",
    Visit.Status.DECLINED: "text-bg-danger",
    Visit.Status.CANCELLED: "text-bg-danger",
    Visit.Status.COMPLETED: "text-bg-dark",
}


class VisitTransition(ChoiceLabels, models.Model):
    """Every workflow step: who moved the visit from which state to which, when, and why."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Visit.Status.choices)
    to_status = models.CharField(max_length=20, choices=Visit.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.visit}: {self.from_status} → {self.to_status}"

    @property
    def is_review(self) -> bool:
        return self.to_status in (
            Visit.Status.APPROVED,
            Visit.Status.CHANGES_REQUESTED,
            Visit.Status.DECLINED,
        )
