"""The partnership lifecycle: the checks of its table and the service that applies a step.

proposed ⇄ under review → active ⇄ dormant / suspended → ended (final). The table is
``partners.models.partnerships.LIFECYCLE``: for each status, the statuses it can be reached
from and the permission that takes. ``partnership_transition`` re-reads the status under a row
lock, so of two people acting at once exactly one wins; the change lands in the partnership's
history like any other save.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrelations.core.history import note_change
from cityrelations.core.transitions import WrongRole, WrongState

from .models import Partnership
from .models.partnerships import LIFECYCLE

Status = Partnership.Status


def check_partnership_transition(*, status: str, to: str, by: Any = None) -> None:
    """Raise unless a partnership that is ``status`` may become ``to`` (and, given a user
    ``by``, unless that user may make the move)."""
    step = LIFECYCLE.get(to)
    if step is None:
        raise WrongState(_("“%(status)s” is not a partnership status.") % {"status": to})
    if by is not None and not (by.is_authenticated and by.has_perm(step.permission)):
        raise WrongRole(_("You are not allowed to change the status of a partnership."))
    if status not in step.sources:
        raise WrongState(
            _("A partnership that is “%(status)s” cannot become “%(to)s”.")
            % {"status": Status(status).label, "to": Status(to).label}
        )


def partnership_transition(*, partnership: Partnership, to: str, by: Any) -> Partnership:
    """Move the partnership to ``to``, as ``by``; ``TransitionError`` if the table
    or the user's role does not allow it (nothing changes then).

    An ended partnership gets an end date (today) if it has none, as the form requires.
    """
    check_partnership_transition(status=partnership.status, to=to, by=by)  # early, no lock
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        check_partnership_transition(status=locked.status, to=to, by=by)
        locked.status = to
        fields = ["status", "updated_at"]
        if to == Status.ENDED and locked.ended_on is None:
            locked.ended_on = timezone.localdate()
            if locked.established_on and locked.established_on > locked.ended_on:
                locked.ended_on = locked.established_on  # the database wants end >= start
            fields.append("ended_on")
        note_change(locked, by=by)
        locked.save(update_fields=fields)
    for name in (*fields, "version"):
        setattr(partnership, name, getattr(locked, name))
    return partnership
