"""What the apps' transition tables share: the errors a refused step raises.

A table of steps lives with its model (``partners.models.partnerships.LIFECYCLE``, the visit
workflow's ``delegations.workflow.TRANSITIONS``); the service that applies a step checks the
user's role and the record's current state, and raises one of these when the step may not
happen. The message is shown to the user as it is.
"""

from __future__ import annotations

from typing import Any


class TransitionError(Exception):
    """A step that may not happen; ``message`` says why, for the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = str(message)


class WrongRole(TransitionError):
    """The user's role does not allow the step."""


class WrongState(TransitionError):
    """The record is not (or no longer) in a state the step starts from."""
