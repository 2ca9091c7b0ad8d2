"""Registrants of the unit's events who asked for the newsletter on the registration form get a
normal subscription, confirmed by its own email (double opt-in). Delegations cannot import the
newsletter (a lower layer), so it sends ``delegations.registrations.registration_confirmed``
once the registrant confirmed their address; this receiver, connected in the app's ``ready``,
subscribes them through the same service as the subscribe form."""

from __future__ import annotations

import contextlib
from typing import Any

from django.db import IntegrityError, transaction

from .models import ConsentText, Subscriber
from .subscriptions import subscriber_subscribe

EVIDENCE = "Asked for it on the registration form of an event (registration %(id)s)."


def subscribe_registrant(
    sender: Any,
    *,
    registration_id: int,
    email: str,
    name: str,
    language: str,
    ip: str | None,
    **kwargs: Any,
) -> None:
    subscriber = None
    with contextlib.suppress(IntegrityError), transaction.atomic():
        subscriber = subscriber_subscribe(
            email=email,
            name=name,
            language=language,
            topics=[],
            consent_text=ConsentText.objects.first(),
            consent_language=language,
            ip=ip,
        )
    if subscriber is not None and subscriber.status == Subscriber.Status.PENDING:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            consent_evidence=EVIDENCE % {"id": registration_id}
        )


def connect() -> None:
    from delegations.registrations import registration_confirmed

    registration_confirmed.connect(subscribe_registrant, dispatch_uid="newsletters.event_signups")
