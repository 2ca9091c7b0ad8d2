"""What the tests that start a real Celery worker share: the broker queue of this test run, the
test database's URL for the worker's environment, and clearing Redis around a test."""

from __future__ import annotations

import os
import uuid

from django.db import connection

REDIS_URL = os.environ.get("REDIS_URL", "")
QUEUE = f"cr-test-sending-{uuid.uuid4().hex[:10]}"  # unique per test run


def database_url() -> str:
    """The test database as a URL, for a worker subprocess's DATABASE_URL."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def purge() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(QUEUE, "unacked", "unacked_index", "unacked_mutex")
    for key in client.scan_iter(f"{QUEUE}*"):
        client.delete(key)
    client.delete("cityrelations:newsletters:send-rate")
