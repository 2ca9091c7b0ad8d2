"""Investment and business opportunities: leads the unit follows from first contact to a won or
lost deal (the seed agenda: attracting foreign investment, matchmaking)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, optional_link, staff_link
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet

from ..geo import country_name
from .activity import Interaction
from .base import City, Theme, TimeStamped, currency_field
from .organizations import Organization
from .people import Contact


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (Stage.IDENTIFIED, Stage.CONTACTED, Stage.MEETING, Stage.PROPOSAL)
CLOSED_STAGES = (Stage.WON, Stage.LOST)


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    AUTOMOTIVE = "automotive", _("Automotive")
    ICT = "ict", _("Information technology")
    BUSINESS_SERVICES = "services", _("Business services")
    LOGISTICS = "logistics", _("Logistics")
    LIFE_SCIENCES = "life_sciences", _("Life sciences and health")
    ENERGY = "energy", _("Energy and green technology")
    REAL_ESTATE = "real_estate", _("Real estate")
    TOURISM = "tourism", _("Tourism and hospitality")
    FINANCE = "finance", _("Finance")
    AGRIFOOD = "agrifood", _("Food and agriculture")
    CREATIVE = "creative", _("Creative industries")
    EDUCATION = "education", _("Education and research")
    OTHER = "other", _("Other")


class OpportunityQuerySet(ForgivingSearchQuerySet["Opportunity"]):
    search_fields = ("title", "description")

    def open(self) -> OpportunityQuerySet:
        return self.filter(stage__in=OPEN_STAGES)

    def in_city(self, city: Any) -> OpportunityQuerySet:
        """The city's own leads, and those of organisations seated there that name no city."""
        return self.filter(Q(city=city) | Q(city__isnull=True, organization__city=city))

    def pipeline(self) -> list[dict[str, Any]]:
        """The open stages, in order, each with how many leads and their value per currency
        (never added across currencies): ``[{"stage", "label", "count", "totals"}]``, one
        query."""
        rows = (
            self.open()
            .order_by()
            .values("stage", "currency")
            .annotate(n=Count("pk"), total=Sum("value"))
            .order_by("stage", "currency")
        )
        stages = {stage: {"count": 0, "totals": []} for stage in OPEN_STAGES}
        for row in rows:
            stage: dict[str, Any] = stages[row["stage"]]
            stage["count"] += row["n"]
            if row["total"] is not None:
                stage["totals"].append({"currency": row["currency"], "total": row["total"]})
        return [{"stage": key, "label": Stage(key).label, **value} for key, value in stages.items()]

    def for_cards(self) -> OpportunityQuerySet:
        """What a card or a list row shows: organisation, city, owner and the next step (the
        open tasks, earliest due first; the card shows the first)."""
        from .tasks import Task

        return self.select_related("organization", "city", "owner").prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.open().by_due_date().select_related("owner"),
                to_attr="open_tasks",
            )
        )


class Opportunity(Versioned, TimeStamped):
    Stage = Stage
    Sector = Sector

    title = models.CharField(_("title"), max_length=250)
    organization = optional_link(Organization, _("organisation"), related_name="opportunities")
    city = optional_link(City, _("city"), related_name="opportunities")
    country = CountryField(_("country"), blank=True)
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), blank=True, related_name="opportunities"
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED
    )
    # Why it was won or lost; required in those two stages (a constraint says so).
    outcome_reason = models.TextField(_("reason"), blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    value = amount_field(_("estimated value"), max_digits=16)
    currency = currency_field()
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    owner = staff_link(_("owner"), related_name="opportunities")
    description = models.TextField(_("description"), blank=True)
    interactions = models.ManyToManyField(
        Interaction, verbose_name=_("interactions"), blank=True, related_name="opportunities"
    )

    tasks = GenericRelation("Task")  # the next steps; deleted with the record

    history = HistoricalRecords()
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [models.Index(fields=["stage", "-updated_at"], name="opportunity_stage")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage__in=CLOSED_STAGES) | ~Q(outcome_reason=""),
                name="opportunity_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("partners:opportunity_detail", self.pk)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def following_stage(self) -> str:
        """The stage a move most likely goes to: the next open one, else won ("" when closed)."""
        if not self.is_open:
            return ""
        order = list(OPEN_STAGES)
        index = order.index(Stage(self.stage))
        return order[index + 1] if index + 1 < len(order) else Stage.WON

    @property
    def country_name(self) -> str:
        return country_name(self.country or (self.city.country if self.city else ""))

    @property
    def next_step(self) -> Any:
        """The earliest-due open task (from ``for_cards()``'s prefetch), or None."""
        tasks = getattr(self, "open_tasks", None)
        if tasks is None:
            from .tasks import Task

            tasks = list(Task.objects.for_record(self).open().by_due_date()[:1])
        return tasks[0] if tasks else None

    @property
    def value_or_zero(self) -> Decimal:
        return self.value or Decimal(0)
