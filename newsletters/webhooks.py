"""ESP tracking webhooks (django-anymail): bounces, rejections, complaints and unsubscribes
suppress the address so that no later edition is sent to it.

Anymail's views check the request first (``ANYMAIL["WEBHOOK_SECRET"]`` basic auth, and the
ESP's own signature where it has one) and answer 400 to anything forged; only verified events
reach :func:`suppress_on_tracking`.
"""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from .models import Subscriber, Suppression, email_hash

logger = logging.getLogger(__name__)

# event type -> (subscriber status, suppression reason)
SUPPRESSING_EVENTS = {
    EventType.BOUNCED: (Subscriber.Status.BOUNCED, Suppression.Reason.BOUNCED),
    EventType.REJECTED: (Subscriber.Status.BOUNCED, Suppression.Reason.BOUNCED),
    EventType.COMPLAINED: (Subscriber.Status.COMPLAINED, Suppression.Reason.COMPLAINED),
    EventType.UNSUBSCRIBED: (Subscriber.Status.UNSUBSCRIBED, Suppression.Reason.UNSUBSCRIBED),
}
# Providers that report soft bounces as "bounced" name them so; those are retried, not fatal.
SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError"}


@transaction.atomic
def subscriber_suppress(*, email: str, status: str, reason: str) -> int:
    """Stop mailing an address: the subscriber (if any) changes status and the address's hash
    joins the suppression list. Idempotent; returns the number of subscribers changed."""
    now = timezone.now()
    changed = 0
    for subscriber in Subscriber.objects.select_for_update().by_email(email):
        if subscriber.status == status:
            continue
        subscriber.status = status
        fields = ["status", "updated_at"]
        if status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.unsubscribed_at = now
            fields.append("unsubscribed_at")
        subscriber.save(update_fields=fields)
        changed += 1
    Suppression.objects.get_or_create(email_hash=email_hash(email), defaults={"reason": reason})
    return changed


def _is_soft_bounce(event: AnymailTrackingEvent) -> bool:
    esp_event = event.esp_event
    return isinstance(esp_event, dict) and esp_event.get("Type") in SOFT_BOUNCE_TYPES


@receiver(tracking, dispatch_uid="newsletters.suppress_on_tracking")
def suppress_on_tracking(
    sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    if event.event_type not in SUPPRESSING_EVENTS or not event.recipient:
        return
    if event.event_type == EventType.BOUNCED and _is_soft_bounce(event):
        return
    status, reason = SUPPRESSING_EVENTS[event.event_type]
    changed = subscriber_suppress(email=event.recipient, status=status, reason=reason)
    logger.info("%s %s event: %d subscriber(s) now %s", esp_name, event.event_type, changed, status)
