"""``manage.py seed_delegations``: only the delegations demo data (``seed_demo`` runs it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from delegations.demo.seed import seed_delegations


class Command(BaseCommand):
    help = "Load the delegations demo data (idempotent); needs the partners demo cities."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_delegations()
        self.stdout.write(self.style.SUCCESS(f"Demo delegations: {summary}"))
