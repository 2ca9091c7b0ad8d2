"""Rules for the home city's memberships that are more than saving a form."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership


def one_year_later(day: dt.date) -> dt.date:
    """The same day next year; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def membership_mark_fee_paid(*, membership: Membership) -> Membership:
    """Record this year's fee as paid by moving the due date forward one year."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.fee_due_on is None:
            raise ValidationError(_("This membership has no fee due date to move forward."))
        locked.fee_due_on = one_year_later(locked.fee_due_on)
        locked.save(update_fields=["fee_due_on", "updated_at"])
    membership.fee_due_on = locked.fee_due_on
    return membership
