from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from cityrelations.celery import app as celery_app

from .celery_support import QUEUE, REDIS_URL, purge
from .factories import ensure_migration_data


@pytest.fixture(autouse=True)
def _empty_cache():
    """The subscribe rate limit counts in the cache; locmem caches outlive a test otherwise."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _migration_data(db):
    """Browser tests flush the database when they end; put the data migration's rows back."""
    ensure_migration_data()


@pytest.fixture
def celery_on_redis(transactional_db) -> Iterator[None]:
    """Tasks go to Redis (this run's own queue) for a real worker, not run eagerly."""
    if not REDIS_URL:
        pytest.fail("REDIS_URL must point at Redis for the worker tests")
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    conf.task_always_eager = False
    conf.broker_url = REDIS_URL
    conf.task_default_queue = QUEUE
    for cached in ("default_queue", "queues", "router", "send_task_message"):
        celery_app.amqp.__dict__.pop(cached, None)
    purge()
    yield
    purge()
    conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved
    for cached in ("default_queue", "queues", "router", "send_task_message"):
        celery_app.amqp.__dict__.pop(cached, None)
