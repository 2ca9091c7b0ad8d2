"""The emails a subscriber receives about their subscription: the confirmation link and "you
are already subscribed" (the edition itself is the sending engine's).

Each is built by ``core.mail.make_message`` in the subscriber's language, and sent by a task of
``newsletters.tasks`` that ``subscriptions`` enqueues on commit, never inside the request. Every
one passes :func:`_send`, so a bounced or complained address is refused whichever path asked.
"""

from __future__ import annotations

from typing import Any

from cityrelations.core.mail import make_message

from .models import Subscriber, Suppression
from .tokens import confirm_url, preferences_url, unsubscribe_url


def is_mail_blocked(email: str) -> bool:
    """A bounce or a complaint: no email of any kind goes to the address (not even a
    confirmation) until staff lift the suppression."""
    return Suppression.objects.for_email(email).blocking_all_mail().exists()


def _send(*, subscriber: Subscriber, name: str, context: dict[str, Any]) -> int:
    if is_mail_blocked(subscriber.email):
        return 0
    message = make_message(
        name,
        to=[subscriber.email],
        context={"subscriber": subscriber, **context},
        language=subscriber.language,
    )
    return message.send()


def send_confirmation_email(subscriber: Subscriber) -> int:
    return _send(
        subscriber=subscriber,
        name="subscribers/confirm",
        context={"confirm_url": confirm_url(subscriber)},
    )


def send_already_subscribed_email(subscriber: Subscriber) -> int:
    return _send(
        subscriber=subscriber,
        name="subscribers/already_subscribed",
        context={
            "preferences_url": preferences_url(subscriber),
            "unsubscribe_url": unsubscribe_url(subscriber),
        },
    )


def subscriber_send_confirmation(*, subscriber_id: int) -> int:
    """The confirmation link, to a subscriber still pending as committed: one who confirmed,
    unsubscribed or was erased since the request gets nothing."""
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.PENDING
    ).first()
    return send_confirmation_email(subscriber) if subscriber is not None else 0


def subscriber_send_already_subscribed(*, subscriber_id: int) -> int:
    """ "You are already subscribed", to a subscriber still active as committed."""
    subscriber = Subscriber.objects.filter(
        pk=subscriber_id, status=Subscriber.Status.ACTIVE
    ).first()
    return send_already_subscribed_email(subscriber) if subscriber is not None else 0
