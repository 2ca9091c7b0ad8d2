"""Rules for the home city's memberships that are more than saving a form: fee payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrelations.core.history import note_change

from .models import FeePayment, Membership


def one_year_later(day: dt.date) -> dt.date:
    """The same day next year; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def fee_payment_record(
    *,
    membership: Membership,
    paid_on: dt.date,
    amount: Decimal,
    currency: str,
    reference: str,
    expected_due_on: dt.date | None,
    by: Any,
) -> FeePayment:
    """Record a payment of this year's fee and move the due date forward one year.

    ``expected_due_on`` is the due date the user saw when confirming: if it has changed since
    (someone recorded the same payment meanwhile, or a double click), nothing is recorded.
    """
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.fee_due_on != expected_due_on:
            raise ValidationError(
                _(
                    "The fee due date of this membership changed while you were confirming "
                    "(another payment may have been recorded). Nothing was recorded: check the "
                    "payments below and record it again if it is still missing."
                ),
                code="stale",
            )
        due_after = one_year_later(locked.fee_due_on) if locked.fee_due_on else None
        payment = FeePayment(
            membership=locked,
            paid_on=paid_on,
            amount=amount,
            currency=currency,
            reference=reference,
            recorded_by=by,
            due_before=locked.fee_due_on,
            due_after=due_after,
        )
        payment.full_clean()
        note_change(payment, by=by)
        payment.save()
        if due_after is not None:
            _move_due_date(locked, due_after, by=by, reason="Fee payment recorded")
    membership.fee_due_on = locked.fee_due_on
    return payment


def fee_payment_void(*, payment: FeePayment, reason: str, by: Any) -> bool:
    """Void a payment recorded by mistake; the record stays, marked void, with who and why.

    The due date goes back to what it was before the payment when the payment is still the
    one that set it; returns whether it did (if the date was changed since, it is left alone).
    """
    if not reason.strip():
        raise ValidationError(_("Say why the payment is voided."), code="reason")
    with transaction.atomic():
        locked = FeePayment.objects.select_for_update().get(pk=payment.pk)
        membership = Membership.objects.select_for_update().get(pk=locked.membership_id)
        if locked.is_void:
            raise ValidationError(_("This payment has already been voided."), code="voided")
        locked.voided_at = timezone.now()
        locked.voided_by = by
        locked.void_reason = reason.strip()
        note_change(locked, by=by)
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        restore = locked.due_after is not None and membership.fee_due_on == locked.due_after
        if restore:
            _move_due_date(
                membership, _due_before_voided_chain(locked), by=by, reason="Fee payment voided"
            )
    payment.refresh_from_db()
    return restore


def _due_before_voided_chain(payment: FeePayment) -> dt.date | None:
    """The due date before this payment and any voided payments it was stacked on.

    Voiding an earlier payment leaves the date alone while a later one still stands on it; when
    that later one is voided too, the date goes back past both, not to the voided one's result.
    """
    day = payment.due_before
    earlier = payment.membership.fee_payments.exclude(pk=payment.pk).filter(voided_at__isnull=False)
    seen = {payment.pk}
    while day is not None and (previous := earlier.filter(due_after=day).first()):
        if previous.pk in seen:  # a loop of equal dates cannot come from the service, but stop
            break
        seen.add(previous.pk)
        day = previous.due_before
    return day


def _move_due_date(membership: Membership, day: dt.date | None, *, by: Any, reason: str) -> None:
    membership.fee_due_on = day
    note_change(membership, by=by, reason=reason)
    membership.save(update_fields=["fee_due_on", "updated_at"])
