"""``manage.py bench_registrations``: 300 people register for a 100-seat event at once (by
default), from parallel threads; prints the timings and checks the seats add up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from delegations.bench.registrations import registration_rush


class Command(BaseCommand):
    help = (
        "Register N people for a bench event with CAPACITY seats from parallel threads; "
        "exactly CAPACITY must end confirmed and the rest waitlisted, with no errors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--n", type=int, default=300)
        parser.add_argument("--capacity", type=int, default=100)
        parser.add_argument("--threads", type=int, default=16)
        parser.add_argument("--keep", action="store_true", help="Keep the bench event.")

    def handle(self, *args: Any, **options: Any) -> None:
        n, capacity = options["n"], options["capacity"]
        result = registration_rush(n, capacity, options["threads"], keep=options["keep"])
        self.stdout.write(
            f"{n} registrations in {result.seconds:.2f} s ({n / result.seconds:.0f}/s) "
            f"from {options['threads']} threads\n"
            f"per registration: p50 {result.median * 1000:.0f} ms, "
            f"p95 {result.percentile(95) * 1000:.0f} ms, max {result.percentile(100) * 1000:.0f} ms\n"
            f"confirmed {result.confirmed}, waitlisted {result.waitlisted}, "
            f"other {result.other}, errors {len(result.errors)}"
        )
        for error in result.errors[:3]:
            self.stderr.write(error)
        expected_confirmed = min(n, capacity)
        if (
            result.errors
            or result.confirmed != expected_confirmed
            or result.waitlisted != n - expected_confirmed
        ):
            raise CommandError("The seats do not add up.")
        self.stdout.write(self.style.SUCCESS("OK: every seat taken once, the rest waitlisted."))
