"""How far an edition's send has got, and its end: SENT once no row is queued or sending.

:func:`edition_progress` counts the rows by status in one query (the send panel polls it);
:func:`edition_finish_if_done` flips a SENDING edition to SENT with one conditional UPDATE,
whichever batch task (or the sweeper) commits the last row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from cityrelations.core.history import note_change

from ..models import Delivery, Edition

logger = logging.getLogger(__name__)

UNFINISHED = (Delivery.Status.QUEUED, Delivery.Status.SENDING)


def record_history(edition: Edition, *, by: object | None) -> None:
    """Our state changes are conditional UPDATEs (race-free); give the audit trail its row."""
    edition.refresh_from_db()
    if by is not None:
        note_change(edition, by=by)
    edition.save(update_fields=["updated_at"])


@dataclass(frozen=True)
class Progress:
    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)


def edition_progress(edition: Edition) -> Progress:
    counts = dict(
        Delivery.objects.filter(edition=edition)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Progress(**{status: counts.get(status, 0) for status in Delivery.Status.values})


def edition_finish_if_done(*, edition_id: int) -> bool:
    """Mark a SENDING edition SENT once no row is queued or sending. Idempotent and race-free:
    whichever task commits the last row sees it; the conditional UPDATE flips it once."""
    unfinished = Delivery.objects.filter(edition=OuterRef("pk"), status__in=UNFINISHED)
    now = timezone.now()
    with transaction.atomic():
        finished = (
            Edition.objects.filter(pk=edition_id, status=Edition.Status.SENDING)
            .exclude(Exists(unfinished))
            .update(status=Edition.Status.SENT, sent_at=now, updated_at=now)
        )
        if finished:
            record_history(Edition.objects.get(pk=edition_id), by=None)
    if finished:
        logger.info("edition %s: sent", edition_id)
    return bool(finished)
