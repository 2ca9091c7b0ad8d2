"""The hosted events' workflow: one table of steps, and the service that applies them.

draft → published → closed (registration over) → completed; cancelled from any state that still
leads somewhere (its registrations are cancelled too, and each registrant is emailed); a closed event may reopen. An event the mayor attends is reviewed by the
mayor's office first (the same permission that reviews visits): the unit asks for the review,
the office approves, requests changes or declines (each side is emailed, as for visits), and
only an approved one is published.
Every step re-reads the event under a row lock, so of two people acting at once one wins.
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
from .models import Event, Registration

Status = Event.Status
Review = Event.Review

EDIT_PERMISSION = "delegations.change_event"
REVIEW_PERMISSION = "delegations.review_visit"  # the mayor's office decides on events too


@dataclass(frozen=True)
class EventStep:
    field: str  # "status" or "review_status"
    sources: frozenset[str]
    target: str
    permission: str
    label: Promise
    comment_required: bool = False
    button: str = "btn-outline-primary"
    confirm: bool = False


STEPS: dict[str, EventStep] = {
    "ask_review": EventStep(
        "review_status",
        frozenset({Review.NOT_NEEDED, Review.CHANGES_REQUESTED}),
        Review.PENDING,
        EDIT_PERMISSION,
        _("Ask the mayor's office to review"),
        button="btn-primary",
    ),
    "approve": EventStep(
        "review_status",
        frozenset({Review.PENDING}),
        Review.APPROVED,
        REVIEW_PERMISSION,
        _("Approve"),
        button="btn-success",
    ),
    "request_changes": EventStep(
        "review_status",
        frozenset({Review.PENDING}),
        Review.CHANGES_REQUESTED,
        REVIEW_PERMISSION,
        _("Request changes"),
        comment_required=True,
        button="btn-warning",
    ),
    "decline": EventStep(
        "review_status",
        frozenset({Review.PENDING}),
        Review.DECLINED,
        REVIEW_PERMISSION,
        _("Decline"),
        comment_required=True,
        button="btn-danger",
        confirm=True,
    ),
    "publish": EventStep(
        "status",
        frozenset({Status.DRAFT}),
        Status.PUBLISHED,
        EDIT_PERMISSION,
        _("Publish and open registration"),
        button="btn-primary",
    ),
    "close": EventStep(
        "status",
        frozenset({Status.PUBLISHED}),
        Status.CLOSED,
        EDIT_PERMISSION,
        _("Close registration"),
    ),
    "reopen": EventStep(
        "status",
        frozenset({Status.CLOSED}),
        Status.PUBLISHED,
        EDIT_PERMISSION,
        _("Reopen registration"),
    ),
    "complete": EventStep(
        "status",
        frozenset({Status.PUBLISHED, Status.CLOSED}),
        Status.COMPLETED,
        EDIT_PERMISSION,
        _("Mark completed"),
    ),
    "cancel": EventStep(
        "status",
        frozenset({Status.DRAFT, Status.PUBLISHED, Status.CLOSED}),
        Status.CANCELLED,
        EDIT_PERMISSION,
        _("Cancel event"),
        comment_required=True,
        button="btn-outline-danger",
        confirm=True,
    ),
}
REVIEW_STEPS = ("approve", "request_changes", "decline")


def _applies(event: Event, action: str, step: EventStep) -> bool:
    """Whether the step makes sense for the event as it is (its role aside)."""
    if getattr(event, step.field) not in step.sources:
        return False
    if step.field == "review_status":
        # Reviews concern events the mayor attends, before they are over or off.
        return event.mayor_attends and event.status in (Status.DRAFT, Status.PUBLISHED)
    return True


def allowed_steps(*, event: Event, user: Any) -> list[tuple[str, EventStep]]:
    """The steps this user may take on the event now (the buttons on its page)."""
    return [
        (action, step)
        for action, step in STEPS.items()
        if _applies(event, action, step) and user.has_perm(step.permission)
    ]


def _check(*, event: Event, action: str, user: Any, comment: str) -> EventStep:
    step = STEPS.get(action)
    if step is None:
        raise TransitionError(_("Unknown action."))
    if not user.is_authenticated or not user.has_perm(step.permission):
        raise WrongRole(_("You are not allowed to do this: “%(action)s”.") % {"action": step.label})
    if not _applies(event, action, step):
        raise WrongState(
            _("This event is now “%(status)s”, so “%(action)s” is not possible.")
            % {"status": event.get_status_display(), "action": step.label}
        )
    if action == "publish" and event.mayor_attends and event.review_status != Review.APPROVED:
        raise WrongState(
            _(
                "The mayor attends this event: the mayor's office must approve it before it is published."
            )
        )
    if step.comment_required and not comment:
        raise TransitionError(_("Please give a reason in the comment."))
    return step


def _cancel_registrations(event: Event) -> None:
    """Everyone still registered is told the event is cancelled (one email each, on commit)."""
    active = event.registrations.exclude(status=Registration.Status.CANCELLED)
    ids = list(active.select_for_update().values_list("pk", flat=True))
    Registration.objects.filter(pk__in=ids).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )
    for registration_id in ids:
        enqueue_on_commit(tasks.send_registration_event_cancelled, registration_id)


def event_step(*, event: Event, by: Any, action: str, comment: str = "") -> Event:
    """Apply one step to the event (locked and re-read); raise ``TransitionError`` if refused."""
    comment = comment.strip()
    _check(event=event, action=action, user=by, comment=comment)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        step = _check(event=locked, action=action, user=by, comment=comment)
        setattr(locked, step.field, step.target)
        fields = [step.field, "updated_at"]
        if action in REVIEW_STEPS:
            locked.reviewed_by = by
            locked.reviewed_at = timezone.now()
            locked.review_comment = comment
            fields += ["reviewed_by", "reviewed_at", "review_comment"]
        locked.save(update_fields=fields)
        if action == "cancel":
            _cancel_registrations(locked)
        if action == "ask_review":
            enqueue_on_commit(tasks.notify_event_review_requested, locked.pk)
        elif action in REVIEW_STEPS:
            enqueue_on_commit(tasks.notify_event_decided, locked.pk)
    return locked
