"""The gifts register: given and received, with a public view that leaves out contacts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, optional_link
from partners.models import Contact, Partnership, currency_field

from .visits import Visit


class GiftQuerySet(models.QuerySet["Gift"]):
    def for_partnership(self, partnership: Partnership) -> GiftQuerySet:
        """Gifts exchanged on the partnership's visits, or with a contact from its city (one
        UNION of index look-ups, as for the visits)."""
        on_visits = Gift.objects.filter(visit__in=Visit.objects.ids_for_partnership(partnership))
        with_contacts = Gift.objects.filter(counterpart_contact__city_id=partnership.city_id)
        return self.filter(
            pk__in=on_visits.order_by().values("pk").union(with_contacts.order_by().values("pk"))
        )

    def for_contact(self, contact: Contact) -> GiftQuerySet:
        return self.filter(counterpart_contact=contact)


class Gift(Versioned, ChoiceLabels, models.Model):
    class Direction(models.TextChoices):
        GIVEN = "given", _("Given")
        RECEIVED = "received", _("Received")

    class Disposition(models.TextChoices):
        KEPT = "kept", _("Kept by the city")
        DISPLAYED = "displayed", _("On display")
        ARCHIVED = "archived", _("Archived")
        DONATED = "donated", _("Donated")
        RETURNED = "returned", _("Returned")
        OTHER = "other", _("Other")

    direction = models.CharField(_("given / received"), max_length=10, choices=Direction.choices)
    description = models.CharField(_("description"), max_length=300)
    value = amount_field(_("value"), max_digits=12)
    currency = currency_field()
    date = models.DateField(_("date"))
    visit = optional_link(Visit, _("visit"), related_name="gifts")
    counterpart = models.CharField(
        _("counterpart"), max_length=250, help_text=_("Public: e.g. 'Mayor of Vienna'.")
    )
    counterpart_contact = models.ForeignKey(
        Contact,
        verbose_name=_("counterpart contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gifts",
        help_text=_("Internal only; never published."),
    )
    storage_location = models.CharField(_("storage location"), max_length=250, blank=True)
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, default=Disposition.KEPT
    )
    notes = models.TextField(_("internal notes"), blank=True)

    history = HistoricalRecords()
    objects = GiftQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="gift_value_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description
