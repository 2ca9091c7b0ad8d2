"""Work queued by a request: the one way to enqueue a Celery task once the transaction commits.

    enqueue_on_commit(tasks.notify_visit_submitted, visit.pk)

The task is enqueued after the commit, so the worker reads the rows as committed and a
rolled-back request enqueues nothing (outside a transaction it is enqueued at once). A failure to
enqueue (the broker is down) is logged, never raised: the change the request made is committed
by then, so an error page would only tell the user that it failed when it did not, and a
password reset or a subscription must answer the same for every address.
"""

from __future__ import annotations

import logging
from typing import Any, ParamSpec

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

P = ParamSpec("P")


def enqueue_on_commit(task: Task[P, Any], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """``task.delay(*args, **kwargs)`` once the current transaction commits (ids and plain
    strings only: they travel through the broker)."""

    def enqueue() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception as error:  # any broker or serialisation failure: logged, not raised
            logger.error("Could not enqueue %s (%s)", task.name, error, exc_info=True)

    transaction.on_commit(enqueue)
