"""Demo data for the embedded mode: ``manage.py seed_demo`` (idempotent, debug only).

The command is a list of seed steps, run in order; each is idempotent and returns a short
summary. Other apps add their step to ``SEED_STEPS`` (``delegations.demo.seed_delegations``,
``newsletters.demo.seed_newsletters``) with one import and one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from delegations.demo.seed import seed_delegations
from newsletters.demo.seed import seed_newsletters
from partners.demo.seed import seed_partners

DEMO_USERS = [
    ("staff", "Dana", "Demo", DIPLOMACY_UNIT),
    ("mayor", "Mara", "Demo", MAYORS_OFFICE),
]


def seed_users() -> dict[str, Any]:
    User = get_user_model()
    for username, first, last, group in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@city.example"},
        )
        if created:
            user.set_password("demo")
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=group))
    return {"logins": "staff / demo, mayor / demo"}


SEED_STEPS: list[tuple[str, Callable[[], Any]]] = [
    ("users", seed_users),
    ("partners", seed_partners),
    ("delegations", seed_delegations),
    ("newsletters", seed_newsletters),
]


class Command(BaseCommand):
    help = "Load demo data: users staff/mayor (password 'demo'), Budapest and its partners."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with known passwords: debug mode only.")
        for name, step in SEED_STEPS:
            summary = step()
            self.stdout.write(self.style.SUCCESS(f"Demo {name}: {summary}"))
