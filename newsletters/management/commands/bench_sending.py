"""Measure the newsletter send against its ceiling (the benchmark is ``newsletters/bench/``).

    DATABASE_URL=postgres://…/cityrelations_bench REDIS_URL=redis://… \\
        manage.py bench_sending --count 100000 --concurrency 2
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from newsletters.bench.sending import BenchOptions, check_database, report, run_benchmark


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
        check_database(allow_any_database=options["allow_any_database"])
        bench = BenchOptions(
            count=options["count"],
            concurrency=options["concurrency"],
            batch_size=options["batch_size"],
            timeout=options["timeout"],
            async_commit=options["async_commit"],
        )
        self.stdout.write(report(run_benchmark(bench, write=self.stdout.write)))
