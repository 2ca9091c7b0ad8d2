"""``manage.py seed_newsletters``: only the newsletter demo data (``seed_demo`` runs it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from newsletters.demo.seed import seed_newsletters


class Command(BaseCommand):
    help = "Load the newsletter demo data (idempotent): subscribers, stories, editions."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_newsletters()
        self.stdout.write(self.style.SUCCESS(f"Demo newsletters: {summary}"))
