"""Work a request causes is queued by ``core.tasks.enqueue_on_commit`` (issue 11): after the
commit, never on a rollback, and a broker that is down is logged, never raised; no other module
calls a task's ``delay`` by hand (the sending engine's batch fan-out has its own protocol)."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
from celery import shared_task
from django.conf import settings as django_settings
from django.db import transaction

from cityrelations.core.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db
BASE_DIR = Path(django_settings.BASE_DIR)


@shared_task(name="tests.cityrelations.echo")
def echo(value: int, *, twice: bool = False) -> int:
    return value * 2 if twice else value


def test_the_task_is_enqueued_after_the_commit_with_its_arguments(
    django_capture_on_commit_callbacks,
):
    with mock.patch.object(echo, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enqueue_on_commit(echo, 7, twice=True)
        assert not delay.called and len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(7, twice=True)


def test_a_rolled_back_transaction_enqueues_nothing(django_capture_on_commit_callbacks):
    with (
        mock.patch.object(echo, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(echo, 7)
        raise RuntimeError("rolled back")
    assert callbacks == [] and not delay.called


def test_a_broker_outage_is_logged_with_the_tasks_name_not_raised(
    django_capture_on_commit_callbacks, caplog
):
    outage = ConnectionError("broker down")
    with mock.patch.object(echo, "delay", side_effect=outage) as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enqueue_on_commit(echo, 7)
        callbacks[0]()  # does not raise
    assert delay.called
    [record] = [r for r in caplog.records if r.name == "cityrelations.core.tasks"]
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert "tests.cityrelations.echo" in record.getMessage() and "broker down" in caplog.text


# The sending engine enqueues its batches after the commit that wrote their rows, and its sweeper
# requeues what never ran (DESIGN.md, the sending protocol).
ENQUEUES = {"cityrelations/core/tasks.py", "newsletters/sending/enqueue.py"}
ENQUEUES_A_TASK = re.compile(r"\.(?:delay|apply_async)\(")


def test_no_module_enqueues_a_task_by_hand():
    offenders = []
    for app in ("cityrelations", "partners", "delegations", "newsletters"):
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            name = path.relative_to(BASE_DIR).as_posix()
            if name in ENQUEUES:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if ENQUEUES_A_TASK.search(line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == [], "use cityrelations.core.tasks.enqueue_on_commit:\n" + "\n".join(
        offenders
    )
