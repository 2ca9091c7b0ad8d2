"""The sweeper (DESIGN.md, the sending protocol, step 3): beat runs it every minute.

A worker that dies mid-batch leaves its claimed rows in ``sending``, and the batch tasks in its
prefetch are lost with it: both go back to the queue with new batch tasks. The only duplicate
window is a crash between the server's acceptance and our commit, i.e. at most one message per
worker process (see :mod:`.marks`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ..models import Delivery, Edition
from .enqueue import enqueue_batches
from .progress import edition_finish_if_done

logger = logging.getLogger(__name__)


def deliveries_requeue_stuck(*, stuck_after: timedelta | None = None) -> int:
    """Requeue rows a dead worker left behind and enqueue tasks for them; returns the count.

    * ``sending`` rows claimed longer ago than ``stuck_after``: their worker died mid-batch.
    * ``queued`` rows of an edition with no activity for ``stuck_after``: their task message
      was lost with a dead worker's prefetch. (A busy edition's queued rows are just waiting.)
    Editions with nothing left are marked SENT (a backstop for the tasks' own check).
    """
    if stuck_after is None:
        stuck_after = timedelta(seconds=int(settings.NEWSLETTER_STUCK_AFTER))
    now = timezone.now()
    cutoff = now - stuck_after
    requeued = 0
    for edition_id in Edition.objects.filter(status=Edition.Status.SENDING).values_list(
        "pk", flat=True
    ):
        rows = Delivery.objects.filter(edition_id=edition_id)
        activity = rows.aggregate(
            claimed=Max("claimed_at"), sent=Max("sent_at"), queued=Max("queued_at")
        )
        stalled = all(value is None or value < cutoff for value in activity.values())
        stuck = Q(status=Delivery.Status.SENDING, claimed_at__lt=cutoff)
        if stalled:
            stuck |= Q(status=Delivery.Status.QUEUED)
        with transaction.atomic():
            ids = sorted(
                rows.filter(stuck).select_for_update(skip_locked=True).values_list("pk", flat=True)
            )
            if ids:
                Delivery.objects.filter(pk__in=ids).update(
                    status=Delivery.Status.QUEUED, queued_at=now
                )
                transaction.on_commit(partial(enqueue_batches, edition_id, ids))
                logger.warning("edition %s: requeued %d stuck deliveries", edition_id, len(ids))
        requeued += len(ids)
        if not ids:
            edition_finish_if_done(edition_id=edition_id)
    return requeued
