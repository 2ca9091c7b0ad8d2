"""Batch tasks on the queue: ids only, one task per chunk of deliveries (DESIGN.md, the sending
protocol, step 1). Callers enqueue after the commit that wrote the rows
(``transaction.on_commit``), so a worker never looks for rows it cannot see yet. A staff test
copy is queued here too (``core.tasks.enqueue_on_commit``): no email leaves inside a request.

The tasks are ``newsletters.tasks.send_batch``, a thin wrapper around :mod:`.batch`, and
``send_test_copy``. They are looked up by name in the Celery app's registry instead of imported:
``tasks.py`` imports the engine, so the engine must not import ``tasks.py`` (the
``acyclic_siblings`` contract in pyproject.toml). ``NewslettersConfig.ready`` imports the tasks,
so the names are registered in every process (web, worker, beat, commands), and calling them
through the registered tasks keeps eager mode working.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence

from celery import current_app
from django.conf import settings

from cityrelations.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

SEND_BATCH = "newsletters.tasks.send_batch"
SEND_TEST_COPY = "newsletters.tasks.send_test_copy"


def batch_size() -> int:
    """``NEWSLETTER_BATCH_SIZE``, but never more than the rate limit lets through in a tenth of
    ``NEWSLETTER_STUCK_AFTER``: a batch still being sent must never look stuck to the sweeper."""
    rate, stuck_after = float(settings.NEWSLETTER_RATE_PER_SECOND), settings.NEWSLETTER_STUCK_AFTER
    return max(1, min(int(settings.NEWSLETTER_BATCH_SIZE), int(rate * int(stuck_after) / 10)))


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def enqueue_batches(edition_id: int, delivery_ids: Sequence[int]) -> None:
    """One ``send_batch`` task per :func:`batch_size` deliveries.

    Called after the commit that wrote the rows, so a broker that is down must not raise: the
    send has started and its rows are ``queued``; the sweeper (:mod:`.sweep`) enqueues the
    stalled edition's queued rows again once ``NEWSLETTER_STUCK_AFTER`` has passed.
    """
    send_batch = current_app.tasks[SEND_BATCH]
    for chunk in _chunks(delivery_ids, batch_size()):
        try:
            send_batch.delay(edition_id, chunk)
        except Exception as error:  # any broker failure: logged; the sweeper retries the rows
            logger.error(
                "edition %s: could not enqueue %d deliveries (%s); the sweeper will requeue them",
                edition_id,
                len(chunk),
                error,
                exc_info=True,
            )


def enqueue_test_copy(edition_id: int, to: str, language: str) -> None:
    """One ``send_test_copy`` task, once the transaction commits."""
    enqueue_on_commit(current_app.tasks[SEND_TEST_COPY], edition_id, to, language)
