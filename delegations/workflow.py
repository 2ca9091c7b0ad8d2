"""The visit workflow: one table of transitions, and the services that apply them.

draft → submitted → approved / changes requested / declined (by the mayor's office)
→ confirmed → completed; cancelled from any state that still leads somewhere.
Every service checks the user's role and the visit's *current* state (re-read under a row
lock), records a VisitTransition, and enqueues its emails only after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cityrelations.core.tasks import enqueue_on_commit
from cityrelations.core.transitions import TransitionError, WrongRole, WrongState

from . import tasks
from .models import Visit, VisitTransition

Status = Visit.Status

# Who may act: the diplomacy unit runs the visit, the mayor's office decides on it.
EDIT_PERMISSION = "delegations.change_visit"
REVIEW_PERMISSION = "delegations.review_visit"


class Action:
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    DECLINE = "decline"
    CONFIRM = "confirm"
    COMPLETE = "complete"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    permission: str
    label: Promise
    comment_required: bool = False
    button: str = "btn-outline-primary"


# The single source of truth for the workflow (the tests walk it as role x state x action).
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(
        frozenset({Status.DRAFT}),
        Status.SUBMITTED,
        EDIT_PERMISSION,
        _("Submit for review"),
        button="btn-primary",
    ),
    Action.RESUBMIT: Transition(
        frozenset({Status.CHANGES_REQUESTED}),
        Status.SUBMITTED,
        EDIT_PERMISSION,
        _("Resubmit"),
        button="btn-primary",
    ),
    Action.APPROVE: Transition(
        frozenset({Status.SUBMITTED}),
        Status.APPROVED,
        REVIEW_PERMISSION,
        _("Approve"),
        button="btn-success",
    ),
    Action.REQUEST_CHANGES: Transition(
        frozenset({Status.SUBMITTED}),
        Status.CHANGES_REQUESTED,
        REVIEW_PERMISSION,
        _("Request changes"),
        comment_required=True,
        button="btn-warning",
    ),
    Action.DECLINE: Transition(
        frozenset({Status.SUBMITTED}),
        Status.DECLINED,
        REVIEW_PERMISSION,
        _("Decline"),
        comment_required=True,
        button="btn-danger",
    ),
    Action.CONFIRM: Transition(
        frozenset({Status.APPROVED}),
        Status.CONFIRMED,
        EDIT_PERMISSION,
        _("Confirm"),
        button="btn-success",
    ),
    Action.COMPLETE: Transition(
        frozenset({Status.CONFIRMED}),
        Status.COMPLETED,
        EDIT_PERMISSION,
        _("Mark completed"),
    ),
    Action.CANCEL: Transition(
        frozenset(
            {
                Status.DRAFT,
                Status.SUBMITTED,
                Status.APPROVED,
                Status.CHANGES_REQUESTED,
                Status.CONFIRMED,
            }
        ),
        Status.CANCELLED,
        EDIT_PERMISSION,
        _("Cancel visit"),
        comment_required=True,
        button="btn-outline-danger",
    ),
}
REVIEW_ACTIONS = (Action.APPROVE, Action.REQUEST_CHANGES, Action.DECLINE)


class CommentRequired(TransitionError):
    pass


def allowed_actions(*, visit: Visit, user: Any) -> list[tuple[str, Transition]]:
    """The steps this user may take on the visit now (for the buttons on a page)."""
    return [
        (action, t)
        for action, t in TRANSITIONS.items()
        if visit.status in t.sources and user.has_perm(t.permission)
    ]


def _check(*, action: str, status: str, user: Any, comment: str) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    if not user.is_authenticated or not user.has_perm(transition.permission):
        raise WrongRole(
            _("You are not allowed to do this: “%(action)s”.") % {"action": transition.label}
        )
    if status not in transition.sources:
        raise WrongState(
            _("This visit is now “%(status)s”, so “%(action)s” is no longer possible.")
            % {"status": Status(status).label, "action": transition.label}
        )
    if transition.comment_required and not comment.strip():
        raise CommentRequired(_("Please give a reason in the comment."))
    return transition


def check_visit_transition(*, visit: Visit, by: Any, action: str, comment: str = "") -> None:
    """Raise ``TransitionError`` unless ``by`` may take the step on the visit as it is now."""
    _check(action=action, status=visit.status, user=by, comment=comment.strip())


def visit_transition(*, visit: Visit, by: Any, action: str, comment: str = "") -> Visit:
    """Apply one workflow step. The visit row is locked and its state re-read, so of two
    people acting at once exactly one wins; the other gets a WrongState error and nothing changes.
    """
    comment = comment.strip()
    # Fail early (no lock) on role and comment; the state is checked again under the lock.
    _check(action=action, status=visit.status, user=by, comment=comment)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        transition = _check(action=action, status=locked.status, user=by, comment=comment)
        record = VisitTransition.objects.create(
            visit=locked,
            from_status=locked.status,
            to_status=transition.target,
            by=by,
            at=timezone.now(),
            comment=comment,
        )
        locked.status = transition.target
        locked.save(update_fields=["status", "updated_at"])
        _enqueue_notifications(visit_id=locked.pk, transition=record)
    visit.status = locked.status
    visit.updated_at = locked.updated_at
    return visit


def _enqueue_notifications(*, visit_id: int, transition: VisitTransition) -> None:
    """After commit; a broker outage is logged, the transition stands (``core.tasks``)."""
    if transition.to_status == Status.SUBMITTED:
        enqueue_on_commit(tasks.notify_visit_submitted, visit_id)
    elif transition.is_review:
        enqueue_on_commit(tasks.notify_visit_decided, transition.pk)


def visit_submit(*, visit: Visit, by: Any, comment: str = "") -> Visit:
    return visit_transition(visit=visit, by=by, action=Action.SUBMIT, comment=comment)


def visit_resubmit(*, visit: Visit, by: Any, comment: str = "") -> Visit:
    return visit_transition(visit=visit, by=by, action=Action.RESUBMIT, comment=comment)


def visit_review(*, visit: Visit, by: Any, decision: str, comment: str = "") -> Visit:
    """``decision`` is one of "approve", "request_changes", "decline"."""
    if decision not in REVIEW_ACTIONS:
        raise TransitionError(_("Unknown decision."))
    return visit_transition(visit=visit, by=by, action=decision, comment=comment)


def visit_confirm(*, visit: Visit, by: Any, comment: str = "") -> Visit:
    return visit_transition(visit=visit, by=by, action=Action.CONFIRM, comment=comment)


def visit_complete(*, visit: Visit, by: Any, comment: str = "") -> Visit:
    return visit_transition(visit=visit, by=by, action=Action.COMPLETE, comment=comment)


def visit_cancel(*, visit: Visit, by: Any, comment: str) -> Visit:
    return visit_transition(visit=visit, by=by, action=Action.CANCEL, comment=comment)
