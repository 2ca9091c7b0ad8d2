"""Measure the newsletter send against its ceiling.

    DATABASE_URL=postgres://…/cityrelations_bench REDIS_URL=redis://… \\
        manage.py bench_sending --count 100000 --concurrency 2

1. Starts a counting aiosmtpd sink in its own process and a Celery worker (prefork, N processes)
   on Redis, exactly as deployed, with the rate limit raised out of the way (the Redis token
   bucket is still consulted for every message).
2. Sends a warm-up edition, then times an edition to ``--count`` subscribers: from
   ``edition_send`` to the edition being SENT.
3. Pushes the same number of pre-rendered messages with plain ``smtplib`` over the same number
   of connections, right before and right after the send (the machine's speed drifts; the
   ratio is against the mean of the two): the ceiling; then again pipelined as the worker sends
   (the sink advertises PIPELINING like a production MTA): a stricter ceiling. Prints the
   ratios, the workers' peak RSS, and the time to assemble an edition from a month with 1,000
   public records.

It writes benchmark rows (``@bench.invalid`` subscribers, editions for months in 1901) and
deletes them afterwards; it refuses a database whose name does not contain "bench" unless told.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from newsletters.models import Delivery, Edition, EditionItem, Story, Subscriber

BENCH_DOMAIN = "bench.invalid"
WARMUP_MONTH, MAIN_MONTH, ASSEMBLY_MONTH = (dt.date(1901, m, 1) for m in (1, 2, 3))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def _push(args: tuple[int, int, int, list[tuple[str, bytes]], str, bool]) -> int:
    """One smtplib connection pushing ``count`` pre-rendered messages: with ``sendmail`` (the
    issue's ceiling), or pipelined as the worker sends them (the stricter ceiling)."""
    from newsletters.sending.smtp import Outbox

    port, start, count, messages, sender, pipelined = args
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


class Command(BaseCommand):
    help = "Benchmark the newsletter send (worker + SMTP sink) against a plain smtplib ceiling."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
        parser.add_argument("--batch-size", type=int, default=settings.NEWSLETTER_BATCH_SIZE)
        parser.add_argument("--timeout", type=float, default=3600)
        parser.add_argument("--allow-any-database", action="store_true")
        parser.add_argument(
            "--async-commit",
            action="store_true",
            help="run the worker with NEWSLETTER_SYNCHRONOUS_COMMIT=false",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._check(options)
        self.queue = f"bench-sending-{uuid.uuid4().hex[:8]}"
        from cityrelations.celery import app

        app.conf.task_default_queue = self.queue
        app.conf.task_always_eager = False
        count, concurrency = options["count"], options["concurrency"]
        self._cleanup()
        port = _free_port()
        sink = subprocess.Popen(
            [sys.executable, "-m", "newsletters.bench.sink", str(port)],
            cwd=settings.BASE_DIR, stdout=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        worker = None
        try:
            assert sink.stdout is not None
            sink.stdout.readline()  # "ready"
            worker = self._start_worker(port, options)
            warmup = 2 * concurrency * options["batch_size"]
            self._subscribers(0, warmup)
            self._analyze()
            self._send(self._edition(WARMUP_MONTH), options["timeout"])
            self._subscribers(warmup, count)
            self._analyze()
            edition = self._edition(MAIN_MONTH)
            ceiling_before = self._ceiling(port, count, concurrency, pipelined=False)
            self.stdout.write(f"sending to {count} subscribers with {concurrency} processes…")
            elapsed = self._send(edition, options["timeout"])
            sent = Delivery.objects.filter(
                edition__month=MAIN_MONTH, status=Delivery.Status.SENT
            ).count()
            peaks = [_peak_rss_kib(pid) for pid in [worker.pid, *_children(worker.pid)]]
            ceiling_after = self._ceiling(port, count, concurrency, pipelined=False)
            pipelined_ceiling = self._ceiling(port, count, concurrency, pipelined=True)
            assembly = self._assembly_time()
        finally:
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
            sink.send_signal(signal.SIGTERM)
            sink_out, _ = sink.communicate(timeout=30)
            self._cleanup()
        rate = sent / elapsed
        # The machine's speed drifts over minutes: the ceiling is measured right before and right
        # after the send, and the ratio is taken against their mean.
        ceiling = (ceiling_before + ceiling_after) / 2
        self.stdout.write(
            "\n".join(
                [
                    f"messages sent:            {sent} of {count} in {elapsed:.1f} s "
                    f"(synchronous commit: {'off' if options['async_commit'] else 'on'})",
                    f"project send rate:        {rate:.1f} messages/s",
                    f"plain smtplib ceiling:    {ceiling:.1f} messages/s "
                    f"({concurrency} connections, pre-rendered; {ceiling_before:.1f} before "
                    f"the send, {ceiling_after:.1f} after)",
                    f"ratio:                    {rate / ceiling:.2f} (target >= 0.7)",
                    f"pipelined ceiling:        {pipelined_ceiling:.1f} messages/s "
                    f"(the same, PIPELINING as the worker uses it): "
                    f"ratio {rate / pipelined_ceiling:.2f}",
                    f"worker peak RSS:          max {max(peaks) / 1024:.0f} MiB per process, "
                    f"{sum(peaks) / 1024:.0f} MiB for {len(peaks)} processes (main + children)",
                    f"assemble 1,000 records:   {assembly:.2f} s",
                    f"sink: {sink_out.strip().splitlines()[-1] if sink_out.strip() else '?'}",
                ]
            )
        )

    def _check(self, options: dict[str, Any]) -> None:
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            raise CommandError("The benchmark needs PostgreSQL (DATABASE_URL) and REDIS_URL.")
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not options["allow_any_database"]:
            raise CommandError(
                f"Refusing to write benchmark rows into {name!r}: use a database whose name "
                "contains 'bench' (or pass --allow-any-database)."
            )

    def _start_worker(self, port: int, options: dict[str, Any]) -> subprocess.Popen:
        env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CELERY_QUEUE": self.queue,
            "NEWSLETTER_RATE_PER_SECOND": "1000000",
            "NEWSLETTER_BATCH_SIZE": str(options["batch_size"]),
            "LOG_LEVEL": "WARNING",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "k" * 50),
            "DJANGO_STATIC_MANIFEST": "false",
            "NEWSLETTER_SYNCHRONOUS_COMMIT": "false" if options["async_commit"] else "true",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "cityrelations", "worker", "-P", "prefork",
            "-c", str(options["concurrency"]), "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-Q", self.queue, "-l", "WARNING",
        ]  # fmt: skip
        return subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def _subscribers(self, start: int, stop: int) -> None:
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

    def _edition(self, month: dt.date) -> Edition:
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

    def _send(self, edition: Edition, timeout: float) -> float:
        from newsletters.sending.start import edition_send

        started = time.monotonic()
        edition_send(edition=edition)
        deadline = started + timeout
        while time.monotonic() < deadline:
            if Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENT).exists():
                return time.monotonic() - started
            time.sleep(0.5)
        raise CommandError(f"edition {edition.month:%Y-%m} was not sent within {timeout} s")

    def _ceiling(self, port: int, count: int, concurrency: int, *, pipelined: bool) -> float:
        from newsletters.sending.message import build_message

        edition = Edition.objects.prefetch_related("items").get(month=MAIN_MONTH)
        subscribers = Subscriber.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")[:1000]
        messages = []
        for subscriber in subscribers:
            message = build_message(edition=edition, subscriber=subscriber, connection=None)
            raw = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
            messages.append((subscriber.email, raw))
        share = count // concurrency
        jobs = [
            (port, i * share, share + (count % concurrency if i == 0 else 0), messages,
             settings.DEFAULT_FROM_EMAIL, pipelined)
            for i in range(concurrency)
        ]  # fmt: skip
        connections.close_all()
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(concurrency) as pool:
            pushed = sum(pool.map(_push, jobs))
        return pushed / (time.monotonic() - started)

    def _assembly_time(self) -> float:
        from newsletters.assembly import edition_assemble
        from partners.models import Agreement

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
        self.stdout.write(f"assembled {items} items from 1,000 public records")
        return elapsed

    def _cleanup(self) -> None:
        from partners.models import Agreement

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
        self._vacuum()

    def _vacuum(self) -> None:
        """Each run inserts and deletes some 100,000 rows per table. Autovacuum would clean up
        after it on a live database, but it may be off or late here, and the dead rows of
        earlier runs would slow the next one down: vacuum what the benchmark churns. (No
        ANALYZE here: statistics of emptied tables would mislead the plans of the send; see
        :meth:`_analyze`.)"""
        from django.apps import apps

        from partners.models import Agreement

        models = [*apps.get_app_config("newsletters").get_models(), Agreement]
        tables = [model._meta.db_table for model in models]
        tables.append(Subscriber.topics.through._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(tables)}")  # names from model metadata

    def _analyze(self) -> None:
        """Statistics for the subscribers just written, as autovacuum would gather them, and a
        new connection: plans cached while the table was small (the foreign-key checks of the
        deliveries' INSERT among them) would otherwise scan 100,000 rows per delivery."""
        tables = [Subscriber._meta.db_table, Subscriber.topics.through._meta.db_table]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")  # names from model metadata
        connection.close()
