"""Signed, expiring links for event registrants: confirm (single-use) and manage (change or
cancel). A token is ``signing.dumps({"r": registration_id, "n": nonce})`` with one salt per
purpose, as the newsletter's (newsletters/tokens.py)."""

from __future__ import annotations

import secrets

from django.core import signing
from django.urls import reverse

from .models import Registration

CONFIRM_MAX_AGE = 60 * 60 * 24 * 14
MANAGE_MAX_AGE = 60 * 60 * 24 * 400
_SALTS = {
    "confirm": "delegations.registration.confirm",
    "manage": "delegations.registration.manage",
}
_MAX_AGES = {"confirm": CONFIRM_MAX_AGE, "manage": MANAGE_MAX_AGE}


class InvalidToken(Exception):
    """Forged, expired, already used, or for a registration that no longer exists."""


# --- Signed links ------------------------------------------------------------------------------


def make_token(registration: Registration, purpose: str) -> str:
    """``confirm`` links are single-use (the nonce rotates on use); ``manage`` links (change or
    cancel) keep working from every email until they expire."""
    payload: dict[str, object] = {"r": registration.pk}
    if purpose == "confirm":
        if not registration.token_nonce:
            registration.token_nonce = secrets.token_hex(8)
            registration.save(update_fields=["token_nonce"])
        payload["n"] = registration.token_nonce
    return signing.dumps(payload, salt=_SALTS[purpose], compress=True)


def read_token(token: str, purpose: str) -> Registration:
    try:
        payload = signing.loads(token, salt=_SALTS[purpose], max_age=_MAX_AGES[purpose])
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidToken(str(exc)) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise InvalidToken("malformed payload")
    registration = Registration.objects.select_related("event").filter(pk=payload["r"]).first()
    if registration is None:
        raise InvalidToken("unknown registration")
    if purpose == "confirm" and payload.get("n") != registration.token_nonce:
        raise InvalidToken("link already used")
    return registration


def confirm_path(registration: Registration) -> str:
    return reverse("delegations:registration_confirm", args=[make_token(registration, "confirm")])


def manage_path(registration: Registration) -> str:
    return reverse("delegations:registration_manage", args=[make_token(registration, "manage")])
