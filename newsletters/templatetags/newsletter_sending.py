"""``{% edition_send_progress edition as progress %}`` for the send panel (one query)."""

from __future__ import annotations

from django import template

from ..models import Edition, Subscriber
from ..sending.progress import Progress, edition_progress

register = template.Library()


@register.simple_tag
def edition_send_progress(edition: Edition) -> Progress:
    return edition_progress(edition)


@register.simple_tag
def active_subscriber_count() -> int:
    return Subscriber.objects.active().count()
