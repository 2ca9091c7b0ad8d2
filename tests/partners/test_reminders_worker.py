"""The daily digest for real: the beat's task sent through Redis to a Celery worker subprocess,
which sends over SMTP to a sink (aiosmtpd). Sent twice the same day, it arrives once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from cityrelations.core.models import AccountSettings
from partners.models import ReminderDigestRun, Task
from partners.tasks import send_reminder_digests
from tests.factories import PartnershipFactory, TaskFactory, UserFactory
from tests.newsletters.celery_support import QUEUE, REDIS_URL, database_url
from tests.newsletters.conftest import celery_on_redis  # noqa: F401  (a fixture)
from tests.newsletters.smtp_sink import smtp_sink

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(django_settings.BASE_DIR)


def _start_worker(sink_url: str, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityrelations.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": sink_url,
        "CELERY_QUEUE": QUEUE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CITYRELATIONS_VAR_DIR": str(log.parent / "var"),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cityrelations", "worker", "-P", "solo",
        "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", QUEUE, "-l", "WARNING",
    ]  # fmt: skip
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def _wait_for_run(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not ReminderDigestRun.objects.exists():
        time.sleep(0.2)


def test_a_worker_sends_each_owner_one_digest_a_day_over_smtp(celery_on_redis, tmp_path):  # noqa: F811
    today = timezone.localdate()
    anna = UserFactory(username="anna", email="anna@city.example")
    AccountSettings.objects.create(user=anna, language="hu")
    bela = UserFactory(username="bela", email="bela@city.example")
    vienna = PartnershipFactory()
    TaskFactory(
        owner=anna, title="Call Vienna back", due_on=today - dt.timedelta(days=2), record=vienna
    )
    TaskFactory(owner=bela, title="Book the hall", due_on=today)
    TaskFactory(owner=bela, title="Done already", due_on=today, state=Task.State.DONE)

    with smtp_sink() as sink:
        worker = _start_worker(sink.url, tmp_path / "worker.log")
        try:
            send_reminder_digests.delay()
            assert sink.wait_for(2, timeout=90), (tmp_path / "worker.log").read_text()[-3000:]
            _wait_for_run()
            send_reminder_digests.delay()  # the same day again: a retried or doubled beat
            time.sleep(5)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        messages = {r.recipient: r.message for r in sink.received}

    assert sorted(messages) == ["anna@city.example", "bela@city.example"]
    anna_text = messages["anna@city.example"].get_body(("plain",)).get_content()
    assert "Call Vienna back" in anna_text and "óta lejárt" in anna_text  # her language
    bela_text = messages["bela@city.example"].get_body(("plain",)).get_content()
    assert "Book the hall" in bela_text and "Done already" not in bela_text
    assert ReminderDigestRun.objects.filter(sent_on=today).count() == 1
