"""Subscriptions nobody confirmed are not kept: the daily purge (beat runs
``newsletters.tasks.purge_unconfirmed_subscribers``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Subscriber

UNCONFIRMED_RETENTION_DAYS = 14


def purge_unconfirmed(*, older_than_days: int = UNCONFIRMED_RETENTION_DAYS) -> int:
    """Delete subscriptions nobody confirmed within the retention period, history included."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING).filter(
        Q(consent_at__lt=cutoff) | Q(consent_at__isnull=True, created_at__lt=cutoff)
    )
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Subscriber.topics.through.objects.filter(subscriber_id__in=ids).delete()
        Subscriber.objects.filter(pk__in=ids).delete()
        Subscriber.history.model.objects.filter(id__in=ids).delete()
    return len(ids)
