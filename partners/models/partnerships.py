"""The home city's partnerships with other cities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import staff_link
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet

from .base import SDG, City, Theme, TimeStamped

# Where a partnership stands in its lifecycle, and since when (its form checks these together).
LIFECYCLE_FIELDS = (
    "status",
    "proposed_on",
    "established_on",
    "ended_on",
    "council_resolution",
    "council_resolution_on",
)


def _status_groups() -> dict[str, Q]:
    """The groups of statuses the pages filter and count by, each as a condition."""
    status = Partnership.Status
    return {
        "open": ~Q(status=status.ENDED),
        "active": Q(status=status.ACTIVE),
        "in_preparation": Q(status__in=[status.PROPOSED, status.UNDER_REVIEW]),
        "dormant": Q(status=status.DORMANT),
    }


# The groups :meth:`PartnershipQuerySet.in_stage` and ``status_counts`` know.
STAGES = ("open", "active", "in_preparation", "dormant")


class PartnershipQuerySet(ForgivingSearchQuerySet["Partnership"]):
    # Through the city (a join, which no index covers): there are a few thousand partnerships.
    search_fields = (
        "city__search_names",
        "city__region",
        "summary",
        "notes",
        "council_resolution",
    )

    def in_stage(self, stage: str) -> PartnershipQuerySet:
        """One group of statuses (see ``STAGES``): what the dashboard counts and the list's
        ``?stage=`` filter shows, so a tile's number is its list's length."""
        return self.filter(_status_groups()[stage])

    def open(self) -> PartnershipQuerySet:
        """Not ended (a city has at most one open partnership)."""
        return self.in_stage("open")

    def active(self) -> PartnershipQuerySet:
        return self.in_stage("active")

    def in_preparation(self) -> PartnershipQuerySet:
        """Proposed or under review."""
        return self.in_stage("in_preparation")

    def status_counts(self) -> dict[str, int]:
        """How many partnerships are open, active, in preparation (proposed or under review)
        and dormant: ``{"open": n, …}``, in one query."""
        groups = _status_groups()
        return self.aggregate(**{name: Count("pk", filter=q) for name, q in groups.items()})

    def with_last_contact(self) -> PartnershipQuerySet:
        """``last_contact_on``: the latest interaction's date. A correlated subquery read from
        the index ``interaction_partnership`` (partnership, -occurred_on), not a GROUP BY over
        every interaction: with 200,000 interactions that is the difference between
        milliseconds and a second."""
        # ``Interaction`` refers to ``Partnership`` (activity.py imports this module), so the
        # querysets look it up in the app registry rather than importing it back (django-stubs
        # still knows which model ``get_model`` returns for literal names).
        latest = (
            apps.get_model("partners", "Interaction")
            .objects.filter(partnership=models.OuterRef("pk"))
            .order_by("-occurred_on")
            .values("occurred_on")[:1]
        )
        return self.annotate(last_contact_on=models.Subquery(latest))

    def no_contact_since(self, since: dt.date) -> PartnershipQuerySet:
        """Partnerships with no interaction on or after ``since`` (including none at all)."""
        recent = apps.get_model("partners", "Interaction").objects.filter(
            partnership=models.OuterRef("pk"), occurred_on__gte=since
        )
        return self.filter(~models.Exists(recent))

    def dormant_candidates(self, months: int = 12) -> PartnershipQuerySet:
        """Active partnerships with no contact for ``months``: candidates for "dormant".

        A partnership established (or, without that date, recorded) within the period has not
        yet had the time to fall silent, so it is not a candidate however quiet it is.
        """
        since = timezone.localdate() - dt.timedelta(days=round(months * 30.44))
        old_enough = Q(established_on__lt=since) | Q(
            established_on__isnull=True, created_at__date__lt=since
        )
        return self.active().filter(old_enough).no_contact_since(since)


class Partnership(Versioned, TimeStamped):
    class Level(models.TextChoices):
        SISTER = "sister", _("Sister city")
        PARTNER = "partner", _("Partner city")
        FRIENDSHIP = "friendship", _("Friendship city")
        COOPERATION = "cooperation", _("Cooperation / MoU")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_REVIEW = "under_review", _("Under review")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="partnerships"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    council_resolution = models.CharField(_("council resolution"), max_length=100, blank=True)
    council_resolution_on = models.DateField(_("council resolution date"), null=True, blank=True)
    coordinator = staff_link(_("coordinator"), related_name="coordinated_partnerships")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("May be reported in the public newsletter.")
    )

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["city__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["city"], condition=~Q(status="ended"), name="partnership_one_open_per_city"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(ended_on__gte=models.F("established_on")),
                name="partnership_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["status", "level"], name="partnership_status_level")]

    def __str__(self) -> str:
        return f"{self.city} ({self.get_level_display()})"

    def get_absolute_url(self) -> str:
        return detail_url("partners:partnership_detail", self.pk)

    @property
    def is_open(self) -> bool:
        """Not ended: a city has at most one open partnership (a database constraint)."""
        return self.status != self.Status.ENDED

    def can_become(self, status: str) -> bool:
        """Whether the lifecycle lets the partnership move from its status to ``status``."""
        step = LIFECYCLE.get(status)
        return step is not None and self.status in step.sources

    def deletion_consequences(self) -> list[str]:
        """What deleting the partnership does to the records that refer to it, for the
        confirmation page (one query): its interactions go with it, its agreements stay."""
        counts = Partnership.objects.filter(pk=self.pk).aggregate(
            interactions=Count("interactions", distinct=True),
            agreements=Count("agreements", distinct=True),
        )
        consequences = []
        if counts["interactions"]:
            consequences.append(
                ngettext(
                    "Its %(count)d interaction will be deleted with it.",
                    "Its %(count)d interactions will be deleted with it.",
                    counts["interactions"],
                )
                % {"count": counts["interactions"]}
            )
        if counts["agreements"]:
            consequences.append(
                ngettext(
                    "%(count)d agreement will be kept but no longer linked to a partnership.",
                    "%(count)d agreements will be kept but no longer linked to a partnership.",
                    counts["agreements"],
                )
                % {"count": counts["agreements"]}
            )
        return consequences


@dataclass(frozen=True)
class LifecycleStep:
    """How a partnership reaches one status: from which statuses, with which permission."""

    sources: frozenset[str]
    permission: str = "partners.change_partnership"  # the diplomacy unit; the mayor's office reads


_Status = Partnership.Status

# The partnership lifecycle, one row per status it can reach (the tests walk it as role x
# status x status; partners.lifecycle applies it). "Ended" is final: a renewed relationship is
# a new partnership, which the one-open-partnership-per-city constraint allows.
LIFECYCLE: dict[str, LifecycleStep] = {
    _Status.PROPOSED: LifecycleStep(frozenset({_Status.UNDER_REVIEW})),
    _Status.UNDER_REVIEW: LifecycleStep(frozenset({_Status.PROPOSED})),
    _Status.ACTIVE: LifecycleStep(
        frozenset({_Status.PROPOSED, _Status.UNDER_REVIEW, _Status.DORMANT, _Status.SUSPENDED})
    ),
    _Status.DORMANT: LifecycleStep(frozenset({_Status.ACTIVE})),
    _Status.SUSPENDED: LifecycleStep(frozenset({_Status.ACTIVE, _Status.DORMANT})),
    _Status.ENDED: LifecycleStep(
        frozenset(
            {
                _Status.PROPOSED,
                _Status.UNDER_REVIEW,
                _Status.ACTIVE,
                _Status.DORMANT,
                _Status.SUSPENDED,
            }
        )
    ),
}
