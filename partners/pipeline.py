"""The opportunity pipeline: moving a lead from stage to stage, and the record of those moves.

Any stage may follow any other (a lead that went cold is moved back; a lost one may come back),
but won and lost need a reason. ``opportunity_move`` re-reads the stage under a row lock, so of
two people moving the same card at once each move is applied in turn; who moved it and when
lands in the opportunity's history (django-simple-history) like any other save.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrelations.core.history import note_change
from cityrelations.core.transitions import WrongRole, WrongState

from .models import Opportunity
from .models.opportunities import CLOSED_STAGES, Stage

MOVE_PERMISSION = "partners.change_opportunity"


def needs_reason(stage: str) -> bool:
    return stage in CLOSED_STAGES


def check_opportunity_move(*, stage: str, to: str, reason: str = "", by: Any = None) -> None:
    """Raise unless an opportunity at ``stage`` may move to ``to`` (with ``reason``, as ``by``)."""
    if to not in Stage.values:
        raise WrongState(_("“%(stage)s” is not a stage of the pipeline.") % {"stage": to})
    if by is not None and not (by.is_authenticated and by.has_perm(MOVE_PERMISSION)):
        raise WrongRole(_("You are not allowed to move opportunities."))
    if stage == to:
        raise WrongState(
            _("The opportunity is already at “%(stage)s”.") % {"stage": Stage(to).label}
        )
    if needs_reason(to) and not reason.strip():
        if to == Stage.WON:
            raise WrongState(_("Say why the opportunity was won."))
        raise WrongState(_("Say why the opportunity was lost."))


def opportunity_move(
    *, opportunity: Opportunity, to: str, by: Any, reason: str = ""
) -> Opportunity:
    """Move ``opportunity`` to stage ``to`` as ``by``; ``TransitionError`` if not allowed
    (nothing changes then). Leaving won or lost forgets the old outcome's reason."""
    check_opportunity_move(stage=opportunity.stage, to=to, reason=reason, by=by)
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        check_opportunity_move(stage=locked.stage, to=to, reason=reason, by=by)
        locked.stage = to
        locked.outcome_reason = reason.strip() if needs_reason(to) else ""
        locked.stage_changed_at = timezone.now()
        note_change(locked, by=by)
        fields = ["stage", "outcome_reason", "stage_changed_at", "updated_at"]
        locked.save(update_fields=fields)
    for name in (*fields, "version"):
        setattr(opportunity, name, getattr(locked, name))
    return opportunity


@dataclass(frozen=True)
class StageChange:
    at: dt.datetime
    by: Any
    stage: str
    label: str
    reason: str


def stage_changes(opportunity: Opportunity) -> list[StageChange]:
    """Each stage the opportunity reached, oldest first, with when and who (one query)."""
    records = opportunity.history.select_related("history_user").order_by("history_date", "pk")
    changes: list[StageChange] = []
    previous = None
    for record in records:
        if record.history_type != "-" and record.stage != previous:
            changes.append(
                StageChange(
                    at=record.history_date,
                    by=record.history_user,
                    stage=record.stage,
                    label=str(Stage(record.stage).label) if record.stage in Stage.values else "",
                    reason=record.outcome_reason,
                )
            )
            previous = record.stage
    return changes
