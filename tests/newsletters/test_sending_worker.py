"""The sending protocol with real parts: a Celery worker subprocess on Redis, PostgreSQL, and an
SMTP sink. A worker is SIGKILLed mid-send; the global rate limit is measured at the sink."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from newsletters.models import Delivery, Edition, Subscriber
from newsletters.sending.progress import edition_progress
from newsletters.sending.start import edition_send
from newsletters.sending.sweep import deliveries_requeue_stuck

from .celery_support import QUEUE, REDIS_URL, database_url
from .factories import EditionFactory, EditionItemFactory
from .smtp_sink import SmtpSink, smtp_sink

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(django_settings.BASE_DIR)
CONCURRENCY = 2
S = Subscriber.Status


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its prefork children): a crash."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def start_worker(celery_on_redis, tmp_path) -> Iterator[Callable[..., Worker]]:
    workers: list[Worker] = []

    def start(sink: SmtpSink, **env: str) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cityrelations.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "EMAIL_URL": sink.url,
            "CELERY_QUEUE": QUEUE,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CITYRELATIONS_VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "WARNING",
            "NEWSLETTER_RATE_PER_SECOND": "100000",
            "NEWSLETTER_RATE_BURST": "1",
            "NEWSLETTER_BATCH_SIZE": "50",
            "NEWSLETTER_RETRY_DELAY_SECONDS": "0.5",
            **env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "cityrelations", "worker",
            "-P", "prefork", "-c", str(CONCURRENCY), "--without-heartbeat",
            "--without-gossip", "--without-mingle", "-Q", QUEUE, "-l", "WARNING",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        worker = Worker(process, log)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def _audience(active: int, *, others: int = 0) -> list[str]:
    """Bulk-create subscribers: ``active`` active ones, and ``others`` in every other status."""
    rows = [Subscriber(email=f"reader{i}@mail.example", status=S.ACTIVE) for i in range(active)]
    for i in range(others):
        status = [S.PENDING, S.UNSUBSCRIBED, S.BOUNCED, S.COMPLAINED][i % 4]
        rows.append(Subscriber(email=f"other{i}@mail.example", status=status))
    Subscriber.objects.bulk_create(rows, batch_size=1000)
    return [f"reader{i}@mail.example" for i in range(active)]


def _approved_edition() -> Edition:
    edition = EditionFactory(status=Edition.Status.APPROVED)
    EditionItemFactory(edition=edition, title="Budapest joins the Pact of Free Cities")
    return edition


def _wait_until_sent(edition: Edition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        edition.refresh_from_db()
        if edition.status == Edition.Status.SENT:
            return
        time.sleep(0.2)
    raise AssertionError(f"edition not sent in {timeout}s: {edition_progress(edition)}")


def _logs(worker: Worker) -> str:
    return worker.log.read_text(errors="replace")[-3000:]


def test_a_worker_sends_to_every_active_subscriber_exactly_once(start_worker):
    addresses = _audience(1800, others=200)
    edition = _approved_edition()
    with smtp_sink(pipelining=True) as sink:
        worker = start_worker(sink)
        assert edition_send(edition=edition) == 1800
        _wait_until_sent(edition, timeout=120)
        received = sink.received
        worker.kill()

    by_recipient = Counter(item.recipient for item in received)
    assert set(by_recipient) == set(addresses), _logs(worker)
    assert sink.pipelined_envelopes == 1800  # the worker used PIPELINING, which the sink offers
    assert set(by_recipient.values()) == {1}
    for item in received[:: len(received) // 20]:  # a sample of the messages, parsed
        message = item.message
        assert message["List-Unsubscribe"].strip().startswith("<http")
        assert "/newsletter/unsubscribe/" in message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"]
        assert message.get_content_type() == "multipart/alternative"
        parts = [part.get_content_type() for part in message.iter_parts()]
        assert parts == ["text/plain", "text/html"]
    progress = edition_progress(edition)
    assert (progress.sent, progress.failed, progress.queued, progress.sending) == (1800, 0, 0, 0)
    recorded = set(Delivery.objects.filter(edition=edition).values_list("message_id", flat=True))
    assert recorded == {item.message["Message-ID"] for item in received}


def test_a_worker_killed_mid_send_loses_nobody_and_duplicates_at_most_the_in_flight(
    start_worker,
):
    addresses = _audience(1000)
    edition = _approved_edition()
    with smtp_sink(pipelining=True) as sink:
        first = start_worker(sink, NEWSLETTER_RATE_PER_SECOND="400")
        edition_send(edition=edition)
        assert sink.wait_for(300, timeout=180), _logs(first)
        first.kill()
        in_flight = Delivery.objects.filter(edition=edition, status=Delivery.Status.SENDING).count()
        arrived_at_kill = sink.count()
        assert arrived_at_kill < 1000, "the send finished before the kill"

        second = start_worker(sink)
        # The new worker drains what is still in the broker queue; then only the dead worker's
        # claimed rows (and its prefetched, unacked batch) remain: the sweeper's job.
        _wait_for_quiet(edition)
        requeued = deliveries_requeue_stuck(stuck_after=dt.timedelta(seconds=1))
        _wait_until_sent(edition, timeout=120)
        received = sink.recipients()
        second.kill()

    assert in_flight > 0 and requeued >= in_flight
    assert set(received) == set(addresses), _logs(second)
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= in_flight
    assert duplicates <= CONCURRENCY  # one message in flight per killed process, at most
    assert (
        Delivery.objects.filter(edition=edition).exclude(status=Delivery.Status.SENT).count() == 0
    )


def _wait_for_quiet(edition: Edition, quiet_for: float = 3.0, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        done = edition_progress(edition).done
        if done != last:
            last, since = done, time.monotonic()
        elif time.monotonic() - since >= quiet_for:
            return
        time.sleep(0.2)
    raise AssertionError("the send never settled")


# Below what two processes manage on a busy CI machine, so the limit (not the CPU) sets the pace.
LIMIT, MESSAGES = 15, 300


def test_the_global_rate_limit_holds_across_worker_processes(start_worker):
    _audience(MESSAGES)
    edition = _approved_edition()
    with smtp_sink() as sink:
        start_worker(sink, NEWSLETTER_RATE_PER_SECOND=str(LIMIT), NEWSLETTER_BATCH_SIZE="25")
        edition_send(edition=edition)
        _wait_until_sent(edition, timeout=120)
        stamps = sorted(item.at for item in sink.received)

    assert len(stamps) == MESSAGES
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    # Only the ceiling is the limiter's promise: a busy machine makes the send slower, never
    # faster, so a floor here failed on shared CI without anything being wrong.
    assert rate <= LIMIT * 1.1, rate


def test_a_greylisted_recipient_is_retried_by_the_worker_and_sent_once(start_worker):
    addresses = _audience(30)
    edition = _approved_edition()
    with smtp_sink() as sink:
        sink.refuse(addresses[5], 451, times=2)
        sink.refuse(addresses[7], 550)
        start_worker(sink)
        edition_send(edition=edition)
        _wait_until_sent(edition, timeout=60)
        received = sink.recipients()

    assert received[addresses[5]] == 1 and addresses[7] not in received
    assert len(received) == 29 and set(received.values()) == {1}
    greylisted = Delivery.objects.get(edition=edition, subscriber__email=addresses[5])
    assert (greylisted.status, greylisted.attempts) == (Delivery.Status.SENT, 3)
    refused = Delivery.objects.get(edition=edition, subscriber__email=addresses[7])
    assert refused.status == Delivery.Status.FAILED and "550" in refused.last_error


def _text_and_html(message) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    text, html = (part.get_content() for part in message.iter_parts())
    return text, html


def test_each_subscriber_receives_the_edition_in_their_own_language(start_worker):
    """Subject, introduction, items, header and footer in the subscriber's language; the
    List-Unsubscribe headers in both; a text missing in Hungarian comes in English."""
    edition = EditionFactory(
        month=dt.date(2026, 5, 1),
        status=Edition.Status.APPROVED,
        title="May news",
        title_hu="Májusi hírek",
        introduction="<p>Spring in the city.</p>",
        introduction_hu="<p>Tavasz a városban.</p>",
    )
    EditionItemFactory(
        edition=edition,
        title="New trams",
        title_hu="Új villamosok",
        body="<p>Forty new trams.</p>",
        body_hu="<p>Negyven új villamos.</p>",
    )
    EditionItemFactory(edition=edition, title="Only in English", title_hu="", body_hu="")
    Subscriber.objects.bulk_create(
        [
            Subscriber(email="anna@mail.example", language="hu", status=S.ACTIVE),
            Subscriber(email="john@mail.example", language="en", status=S.ACTIVE),
        ]
    )
    with smtp_sink() as sink:
        worker = start_worker(sink)
        assert edition_send(edition=edition) == 2
        _wait_until_sent(edition, timeout=60)
        received = {item.recipient: item.message for item in sink.received}
        worker.kill()

    assert set(received) == {"anna@mail.example", "john@mail.example"}, _logs(worker)
    hu, en = received["anna@mail.example"], received["john@mail.example"]
    assert hu["Subject"].startswith("Májusi hírek") and en["Subject"].startswith("May news")
    for message in (hu, en):
        assert "/newsletter/unsubscribe/" in message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"]

    hu_text, hu_html = _text_and_html(hu)
    for body in (hu_text, hu_html):
        assert "Tavasz a városban." in body and "Új villamosok" in body
        assert "Negyven új villamos." in body and "Only in English" in body
        assert "Spring in the city." not in body and "New trams" not in body
        assert "Azért kapja ezt a hírlevelet" in body  # the footer
        assert "You receive this newsletter" not in body
    assert "május" in hu_text.splitlines()[1]  # the header line's month
    for body in (hu_text, hu_html):  # the web version in her language, whatever her browser's
        assert "/newsletter/archive/2026-05/?lang=hu" in body
    assert "Leiratkozás" in hu_html

    en_text, en_html = _text_and_html(en)
    for body in (en_text, en_html):
        assert "Spring in the city." in body and "New trams" in body
        assert "Forty new trams." in body and "Tavasz" not in body and "villamos" not in body
        assert "You receive this newsletter" in body and "Azért kapja" not in body
    assert "May" in en_text.splitlines()[1]
    assert "/newsletter/archive/2026-05/?lang=en" in en_text
