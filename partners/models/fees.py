"""Membership fee payments: each payment is a record, and a mistaken one is voided, not deleted."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.fields import staff_link
from cityrelations.core.formats import format_date, format_money

from .base import Currency
from .organizations import Membership


class FeePaymentQuerySet(models.QuerySet["FeePayment"]):
    def valid(self) -> FeePaymentQuerySet:
        return self.filter(voided_at__isnull=True)


class FeePayment(models.Model):
    """One payment of a membership's fee. It moved the fee due date from ``due_before`` to
    ``due_after``; voiding it moves the date back if nothing else has moved it since."""

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.PROTECT,  # a membership with payments is ended, not deleted
        related_name="fee_payments",
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    reference = models.CharField(
        _("reference"),
        max_length=120,
        blank=True,
        help_text=_("Invoice number or bank transfer reference"),
    )
    recorded_by = staff_link(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    due_before = models.DateField(_("fee due before the payment"), null=True, blank=True)
    due_after = models.DateField(_("fee due after the payment"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = staff_link(_("voided by"))
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = FeePaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-recorded_at", "-pk"]
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fee_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="fee_payment_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} · {format_date(self.paid_on)} · {format_money(self.amount, self.currency)}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
