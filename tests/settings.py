"""Settings for the test suite: the project's settings in debug (embedded) mode.

Debug is off unless asked for, and with debug off the settings refuse to load without a secret
key. The suite asks for debug before importing them (a value already in the environment wins,
to run the suite against the production profile). pytest-django still runs each test with
``DEBUG = False``; tests that need debug (the mailbox) turn it on themselves.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# Staff email is Hungarian by default (the unit's language); most assertions read the English
# text, and the tests about staff email in Hungarian set STAFF_LANGUAGE themselves.
os.environ.setdefault("STAFF_LANGUAGE", "en")


def _redis_database_per_worker() -> None:
    """Under pytest-xdist (``make test`` runs two workers) each worker gets its own Redis
    database, the next ones after REDIS_URL's: the Celery tests' broker keys and the rate
    limiter's bucket must not be shared with the tests the other worker runs at the same time."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"…
    url = os.environ.get("REDIS_URL", "")
    # A process the test starts (a Celery worker, a benchmark) inherits both variables and loads
    # these settings again: it must keep the database its test chose, not move one further.
    if not worker.startswith("gw") or not url or os.environ.get("TEST_REDIS_PER_WORKER"):
        return
    os.environ["TEST_REDIS_PER_WORKER"] = worker
    base, _, database = url.rstrip("/").rpartition("/")
    if not database.isdigit() or "//" not in base:
        base, database = url.rstrip("/"), "0"
    # Redis has 16 databases unless configured otherwise.
    os.environ["REDIS_URL"] = f"{base}/{(int(database) + 1 + int(worker[2:])) % 16}"


_redis_database_per_worker()

from cityrelations.settings import *  # noqa: E402, F403
