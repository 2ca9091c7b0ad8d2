"""``manage.py benchmark``: build a large data set and print query counts and p50/p95 times."""

from __future__ import annotations

import os
import platform
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cityrelations.bench import benchmark


def _ensure_database() -> None:
    """Create the benchmark database on first use (Django connects lazily, so this runs first)."""
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"] or "postgres",
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [params["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(params["NAME"])))


class Command(BaseCommand):
    help = "Large data set on PostgreSQL; query count and p50/p95 server time per page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--steps", default="0.1,1.0", help="Fractions of the target data set.")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page.")
        parser.add_argument("--skip-delegations", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
        _ensure_database()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.stdout.write(
            f"Machine: {platform.node()} · {os.cpu_count()} CPU · Python {platform.python_version()}"
            f" · PostgreSQL {connection.cursor().connection.info.server_version}"
        )
        for step in (float(s) for s in options["steps"].split(",")):
            self.stdout.write(f"\n== Data at {step:.0%} of target ==")
            counts = benchmark.grow_partners(step)
            if not options["skip_delegations"]:
                counts.update(benchmark.grow_delegations(step))
            # As autovacuum would have done on a live database: fresh statistics for the
            # planner and a visibility map for index-only scans.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(", ".join(f"{k}: {v:,}" for k, v in counts.items()))
            pages = benchmark.partners_pages()
            if not options["skip_delegations"]:
                pages += benchmark.delegations_pages()
            self.stdout.write(
                f"{'page':<40} {'status':>6} {'queries':>8} {'p50 ms':>8} {'p95 ms':>8}"
            )
            for name, url, make_client in pages:
                m = benchmark.measure(name, make_client(), url, runs=options["runs"])
                self.stdout.write(
                    f"{m.name:<40} {m.status:>6} {m.queries:>8} {m.p50_ms:>8.1f} {m.p95_ms:>8.1f}"
                )
            if not options["skip_delegations"]:
                seconds = benchmark.briefing_book_seconds()
                self.stdout.write(
                    f"briefing book (30 agenda items, 50 participants): {seconds:.2f} s"
                )
