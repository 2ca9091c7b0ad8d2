"""Measure the newsletter send against its ceiling (``manage.py bench_sending`` runs
:func:`run_benchmark` and prints :func:`report`).

1. Starts a counting aiosmtpd sink in its own process (:mod:`.sink`) and a Celery worker
   (prefork, N processes) on Redis, exactly as deployed, with the rate limit raised out of the
   way (the Redis token bucket is still consulted for every message).
2. Sends a warm-up edition, then times an edition to ``count`` subscribers: from
   ``edition_send`` to the edition being SENT.
3. Pushes the same number of pre-rendered messages with plain ``smtplib`` over the same number
   of connections, right before and right after the send (the machine's speed drifts; the
   ratio is against the mean of the two): the ceiling; then again pipelined as the worker sends
   (the sink advertises PIPELINING like a production MTA): a stricter ceiling. Reports the
   ratios, the workers' peak RSS, and the time to assemble an edition from a month with 1,000
   public records.

It writes benchmark rows (``@bench.invalid`` subscribers, editions for months in 1901) and
deletes them afterwards; :func:`check_database` refuses a database whose name does not contain
"bench" unless told.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.models import Model

from partners.models import Agreement

from ..assembly import edition_assemble
from ..models import Delivery, Edition, EditionItem, Story, Subscriber
from ..sending.message import build_message, message_bytes
from ..sending.smtp import Outbox
from ..sending.start import edition_send

BENCH_DOMAIN = "bench.invalid"
WARMUP_MONTH, MAIN_MONTH, ASSEMBLY_MONTH = (dt.date(1901, m, 1) for m in (1, 2, 3))

Write = Callable[[str], object]


@dataclass(frozen=True)
class BenchOptions:
    count: int
    concurrency: int  # worker processes, and connections for the ceiling
    batch_size: int
    timeout: float  # seconds an edition may take to be sent
    async_commit: bool  # the worker runs with NEWSLETTER_SYNCHRONOUS_COMMIT=false


@dataclass(frozen=True)
class Measured:
    sent: int
    elapsed: float
    ceiling_before: float
    ceiling_after: float
    pipelined_ceiling: float
    peaks_kib: list[int]  # the worker's main process and its children
    assembly: float


@dataclass(frozen=True)
class Figures:
    options: BenchOptions
    measured: Measured
    sink: str  # the sink's last line: "received N"


def check_database(*, allow_any_database: bool) -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise CommandError("The benchmark needs PostgreSQL (DATABASE_URL) and REDIS_URL.")
    name = connection.settings_dict["NAME"]
    if "bench" not in name and not allow_any_database:
        raise CommandError(
            f"Refusing to write benchmark rows into {name!r}: use a database whose name "
            "contains 'bench' (or pass --allow-any-database)."
        )


def run_benchmark(options: BenchOptions, *, write: Write) -> Figures:
    """Start the sink and a worker, measure, stop them and delete the benchmark rows."""
    queue = f"bench-sending-{uuid.uuid4().hex[:8]}"
    current_app.conf.task_default_queue = queue  # this process enqueues for that worker only
    current_app.conf.task_always_eager = False
    _cleanup()
    port = _free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "newsletters.bench.sink", str(port)],
        cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    worker: subprocess.Popen[bytes] | None = None
    try:
        assert sink.stdout is not None
        sink.stdout.readline()  # "ready"
        worker = _start_worker(port, queue, options)
        measured = _measure(port, worker.pid, options, write=write)
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        sink.send_signal(signal.SIGTERM)
        sink_out, _ = sink.communicate(timeout=30)
        _cleanup()
    lines = sink_out.strip().splitlines()
    return Figures(options=options, measured=measured, sink=lines[-1] if lines else "?")


def _measure(port: int, worker_pid: int, options: BenchOptions, *, write: Write) -> Measured:
    count, concurrency = options.count, options.concurrency
    warmup = 2 * concurrency * options.batch_size
    _subscribers(0, warmup)
    _analyze()
    _send(_edition(WARMUP_MONTH), options.timeout)
    _subscribers(warmup, count)
    _analyze()
    edition = _edition(MAIN_MONTH)
    ceiling_before = _ceiling(port, count, concurrency, pipelined=False)
    write(f"sending to {count} subscribers with {concurrency} processes…")
    elapsed = _send(edition, options.timeout)
    sent = Delivery.objects.filter(edition__month=MAIN_MONTH, status=Delivery.Status.SENT).count()
    peaks = [_peak_rss_kib(pid) for pid in [worker_pid, *_children(worker_pid)]]
    return Measured(
        sent=sent,
        elapsed=elapsed,
        ceiling_before=ceiling_before,
        ceiling_after=_ceiling(port, count, concurrency, pipelined=False),
        pipelined_ceiling=_ceiling(port, count, concurrency, pipelined=True),
        peaks_kib=peaks,
        assembly=_assembly_time(write),
    )


def report(figures: Figures) -> str:
    options, m = figures.options, figures.measured
    rate = m.sent / m.elapsed
    # The machine's speed drifts over minutes: the ceiling is measured right before and right
    # after the send, and the ratio is taken against their mean.
    ceiling = (m.ceiling_before + m.ceiling_after) / 2
    return "\n".join(
        [
            f"messages sent:            {m.sent} of {options.count} in {m.elapsed:.1f} s "
            f"(synchronous commit: {'off' if options.async_commit else 'on'})",
            f"project send rate:        {rate:.1f} messages/s",
            f"plain smtplib ceiling:    {ceiling:.1f} messages/s "
            f"({options.concurrency} connections, pre-rendered; {m.ceiling_before:.1f} before "
            f"the send, {m.ceiling_after:.1f} after)",
            f"ratio:                    {rate / ceiling:.2f} (target >= 0.7)",
            f"pipelined ceiling:        {m.pipelined_ceiling:.1f} messages/s "
            f"(the same, PIPELINING as the worker uses it): "
            f"ratio {rate / m.pipelined_ceiling:.2f}",
            f"worker peak RSS:          max {max(m.peaks_kib) / 1024:.0f} MiB per process, "
            f"{sum(m.peaks_kib) / 1024:.0f} MiB for {len(m.peaks_kib)} processes "
            "(main + children)",
            f"assemble 1,000 records:   {m.assembly:.2f} s",
            f"sink: {figures.sink}",
        ]
    )


# --- The worker and the processes it runs ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_worker(port: int, queue: str, options: BenchOptions) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "CELERY_QUEUE": queue,
        "NEWSLETTER_RATE_PER_SECOND": "1000000",
        "NEWSLETTER_BATCH_SIZE": str(options.batch_size),
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "k" * 50),
        "DJANGO_STATIC_MANIFEST": "false",
        "NEWSLETTER_SYNCHRONOUS_COMMIT": "false" if options.async_commit else "true",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "cityrelations", "worker", "-P", "prefork",
        "-c", str(options.concurrency), "--without-heartbeat", "--without-gossip",
        "--without-mingle", "-Q", queue, "-l", "WARNING",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _peak_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- Benchmark rows ------------------------------------------------------------------------------


def _subscribers(start: int, stop: int) -> None:
    rows = (
        Subscriber(
            email=f"reader{i}@{BENCH_DOMAIN}",
            status=Subscriber.Status.ACTIVE,
            consent_source=Subscriber.Source.IMPORT,
            consent_evidence="benchmark",
        )
        for i in range(start, stop)
    )
    batch: list[Subscriber] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    if batch:
        Subscriber.objects.bulk_create(batch)


def _edition(month: dt.date) -> Edition:
    edition = Edition.objects.create(
        month=month, title=f"Benchmark {month:%Y-%m}", status=Edition.Status.APPROVED,
        introduction="<p>Benchmark edition.</p>",
    )  # fmt: skip
    EditionItem.objects.bulk_create(
        EditionItem(edition=edition, kind=EditionItem.Kind.CUSTOM, title=f"Item {i}",
                    body="<p>" + "Budapest and its partner cities. " * 20 + "</p>", order=i)
        for i in range(6)
    )  # fmt: skip
    return edition


def _cleanup() -> None:
    months = [WARMUP_MONTH, MAIN_MONTH, ASSEMBLY_MONTH]
    Delivery.objects.filter(edition__month__in=months).delete()
    Edition.objects.filter(month__in=months).delete()
    # Set-based: the ORM would load (and write history for) every benchmark subscriber.
    bench = Subscriber.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")
    Delivery.objects.filter(subscriber__in=bench).delete()
    Subscriber.topics.through.objects.filter(subscriber__in=bench).delete()
    bench._raw_delete(bench.db)
    Agreement.objects.filter(title__startswith="Benchmark agreement ").delete()
    Story.objects.filter(month=ASSEMBLY_MONTH).delete()
    _vacuum()


def _vacuum() -> None:
    """Each run inserts and deletes some 100,000 rows per table. Autovacuum would clean up
    after it on a live database, but it may be off or late here, and the dead rows of
    earlier runs would slow the next one down: vacuum what the benchmark churns. (No
    ANALYZE here: statistics of emptied tables would mislead the plans of the send; see
    :func:`_analyze`.)"""
    models: list[type[Model]] = [*apps.get_app_config("newsletters").get_models(), Agreement]
    tables = [model._meta.db_table for model in models]
    tables.append(Subscriber.topics.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(tables)}")  # names from model metadata


def _analyze() -> None:
    """Statistics for the subscribers just written, as autovacuum would gather them, and a
    new connection: plans cached while the table was small (the foreign-key checks of the
    deliveries' INSERT among them) would otherwise scan 100,000 rows per delivery."""
    tables = [Subscriber._meta.db_table, Subscriber.topics.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")  # names from model metadata
    connection.close()


# --- The measurements ----------------------------------------------------------------------------


def _send(edition: Edition, timeout: float) -> float:
    started = time.monotonic()
    edition_send(edition=edition)
    deadline = started + timeout
    while time.monotonic() < deadline:
        if Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENT).exists():
            return time.monotonic() - started
        time.sleep(0.5)
    raise CommandError(f"edition {edition.month:%Y-%m} was not sent within {timeout} s")


_PushJob = tuple[int, int, int, list[tuple[str, bytes]], str, bool]


def _push(job: _PushJob) -> int:
    """One smtplib connection pushing ``count`` pre-rendered messages: with ``sendmail`` (the
    issue's ceiling), or pipelined as the worker sends them (the stricter ceiling)."""
    port, start, count, messages, sender, pipelined = job
    accepted = 0

    def count_accepted(_tag: int) -> None:
        nonlocal accepted
        accepted += 1

    with smtplib.SMTP("127.0.0.1", port) as smtp:
        outbox = Outbox(smtp, on_accepted=count_accepted) if pipelined else None
        for i in range(start, start + count):
            recipient, raw = messages[i % len(messages)]
            if outbox is not None:
                if outbox.put(i, sender=sender, recipient=recipient, data=raw):
                    raise CommandError(f"the sink refused a message to {recipient}")
            else:
                smtp.sendmail(sender, [recipient], raw)
                accepted += 1
        if outbox is not None and outbox.flush():
            raise CommandError("the sink refused the last message")
    return accepted


def _ceiling(port: int, count: int, concurrency: int, *, pipelined: bool) -> float:
    edition = Edition.objects.prefetch_related("items").get(month=MAIN_MONTH)
    subscribers = Subscriber.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")[:1000]
    messages = [
        (
            subscriber.email,
            message_bytes(build_message(edition=edition, subscriber=subscriber, connection=None)),
        )
        for subscriber in subscribers
    ]
    share = count // concurrency
    jobs: list[_PushJob] = [
        (port, i * share, share + (count % concurrency if i == 0 else 0), messages,
         settings.DEFAULT_FROM_EMAIL, pipelined)
        for i in range(concurrency)
    ]  # fmt: skip
    connections.close_all()
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(concurrency) as pool:
        pushed = sum(pool.map(_push, jobs))
    return pushed / (time.monotonic() - started)


def _assembly_time(write: Write) -> float:
    day = ASSEMBLY_MONTH + dt.timedelta(days=14)
    Agreement.objects.bulk_create(
        Agreement(title=f"Benchmark agreement {i}", kind=Agreement.Kind.MOU,
                  status=Agreement.Status.IN_FORCE, signed_on=day, is_public=True,
                  summary="Benchmark agreement.")
        for i in range(500)
    )  # fmt: skip
    Story.objects.bulk_create(
        Story(title=f"Benchmark story {i}", month=ASSEMBLY_MONTH, body="<p>Story.</p>")
        for i in range(500)
    )
    started = time.monotonic()
    edition = edition_assemble(month=ASSEMBLY_MONTH)
    elapsed = time.monotonic() - started
    items = EditionItem.all_items.filter(edition=edition).count()
    write(f"assembled {items} items from 1,000 public records")
    return elapsed
