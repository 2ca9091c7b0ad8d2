"""A visit's plan: the delegation's members, the itinerary and the logistics checklist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import optional_link, staff_link
from cityrelations.core.formats import format_date
from cityrelations.core.links import detail_url
from partners.models import City, Contact, home_cities

from .visits import Visit


class RowLinks:
    """Edit and delete links of a row on the visit page, built without a reverse() per row
    (see cityrelations.core.links); ``row_route`` names the row's URLs."""

    row_route: str
    pk: Any  # the model's

    @property
    def update_url(self) -> str:
        return detail_url(f"delegations:{self.row_route}_update", self.pk)

    @property
    def delete_url(self) -> str:
        return detail_url(f"delegations:{self.row_route}_delete", self.pk)


class Participant(Versioned, RowLinks, models.Model):
    row_route = "participant"

    """A member of the delegation: a partner-side contact or one of our staff users."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit_participations",
    )
    role = models.CharField(_("role"), max_length=120, blank=True)
    rank = models.CharField(_("rank"), max_length=120, blank=True)
    precedence = models.PositiveSmallIntegerField(
        _("order of precedence"), default=100, help_text=_("1 comes first.")
    )
    needs_visa = models.BooleanField(_("needs a visa"), default=False)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    dietary = models.CharField(_("dietary needs"), max_length=200, blank=True)
    accessibility = models.CharField(_("accessibility needs"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["precedence", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, user__isnull=True)
                | Q(contact__isnull=True, user__isnull=False),
                name="participant_is_contact_or_user",
            ),
            models.UniqueConstraint(
                fields=["visit", "contact"],
                condition=Q(contact__isnull=False),
                name="participant_contact_once_per_visit",
            ),
            models.UniqueConstraint(
                fields=["visit", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        # A participant is a contact or a staff user (a check constraint says so).
        if self.contact is not None:
            return self.contact.full_name
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return ""


class AgendaItem(Versioned, RowLinks, models.Model):
    row_route = "agenda_item"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agenda_items")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("to"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=250)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    city = optional_link(City, _("city"))
    attendees = models.TextField(_("attendees"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=models.F("start_time")),
                name="agenda_item_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{format_date(self.date)} {self.title}"

    @property
    def time_range(self) -> str:
        """The time, as "09:30–11:00" or "09:30"; empty for an item without one."""
        if not self.start_time:
            return ""
        start = self.start_time.strftime("%H:%M")
        return f"{start}–{self.end_time:%H:%M}" if self.end_time else start


def agenda_item_cities(visit: Visit) -> models.QuerySet[City]:
    """Where an item of ``visit`` may take place: the visit's cities (any city while it has
    none), and for an incoming visit the home city too, where the guests' programme happens."""
    city_ids = list(visit.cities.values_list("pk", flat=True))
    cities = City.objects.order_by("name")
    if not city_ids:
        return cities
    places = Q(pk__in=city_ids)
    if visit.direction == Visit.Direction.INCOMING:
        places |= Q(pk__in=home_cities().values("pk"))
    return cities.filter(places)


class LogisticsItem(Versioned, RowLinks, ChoiceLabels, models.Model):
    row_route = "logistics"

    class Kind(models.TextChoices):
        VISA = "visa", _("Visa")
        INTERPRETER = "interpreter", _("Interpreter")
        SECURITY = "security", _("Security")
        TRANSPORT = "transport", _("Transport")
        ACCOMMODATION = "accommodation", _("Accommodation")
        GIFTS = "gifts", _("Gifts")
        PRESS = "press", _("Press")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="logistics")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=250, blank=True)
    owner = staff_link(_("owner"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.TODO)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "kind", "pk"]
        verbose_name = _("logistics item")
        verbose_name_plural = _("logistics items")
        indexes = [
            # The dashboard's "overdue logistics": open items, oldest due date first.
            models.Index(
                fields=["due_on"],
                condition=Q(state__in=["todo", "in_progress"]),
                name="logistics_open_due",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_overdue(self) -> bool:
        return (
            self.state in (self.State.TODO, self.State.IN_PROGRESS)
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )
