"""Signed, expiring links for subscribers: confirm, preferences and unsubscribe.

A token is ``signing.dumps({"s": subscriber_id, "n": nonce})`` with one salt per purpose, so a
token made for one purpose never opens another. Confirmation links are single-use: using one
rotates the subscriber's ``token_nonce``, which voids every earlier confirmation link.
Preferences and unsubscribe links carry no nonce (they must keep working from old emails until
they expire), but only ever act on the subscriber they name.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Subscriber

CONFIRM_MAX_AGE = timedelta(days=14)
PREFERENCES_MAX_AGE = timedelta(days=365)
UNSUBSCRIBE_MAX_AGE = timedelta(days=365 * 2)

_SALTS = {
    "confirm": "newsletters.confirm",
    "preferences": "newsletters.preferences",
    "unsubscribe": "newsletters.unsubscribe",
}
_MAX_AGES = {
    "confirm": CONFIRM_MAX_AGE,
    "preferences": PREFERENCES_MAX_AGE,
    "unsubscribe": UNSUBSCRIBE_MAX_AGE,
}


class InvalidToken(Exception):
    """Forged, expired, already used, or for a subscriber that no longer exists."""


def rotate_nonce(subscriber: Subscriber) -> str:
    subscriber.token_nonce = secrets.token_hex(8)
    return subscriber.token_nonce


def make_token(subscriber: Subscriber, purpose: str) -> str:
    payload: dict[str, object] = {"s": subscriber.pk}
    if purpose == "confirm":
        if not subscriber.token_nonce:
            rotate_nonce(subscriber)
            subscriber.save(update_fields=["token_nonce"])
        payload["n"] = subscriber.token_nonce
    return signing.dumps(payload, salt=_SALTS[purpose], compress=True)


def read_token(token: str, purpose: str) -> Subscriber:
    """The subscriber a token names, or :class:`InvalidToken`."""
    try:
        payload = signing.loads(token, salt=_SALTS[purpose], max_age=_MAX_AGES[purpose])
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidToken(str(exc)) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidToken("malformed payload")
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None:
        raise InvalidToken("unknown subscriber")
    if purpose == "confirm" and payload.get("n") != subscriber.token_nonce:
        raise InvalidToken("link already used")
    return subscriber


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("newsletters:confirm", args=[make_token(subscriber, "confirm")]))


def preferences_url(subscriber: Subscriber) -> str:
    return absolute_url(
        reverse("newsletters:preferences", args=[make_token(subscriber, "preferences")])
    )


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The RFC 8058 one-click URL: GET shows a one-button page, POST unsubscribes at once."""
    return absolute_url(
        reverse("newsletters:unsubscribe", args=[make_token(subscriber, "unsubscribe")])
    )
