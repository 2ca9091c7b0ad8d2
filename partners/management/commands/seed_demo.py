"""Demo data for the embedded mode: ``manage.py seed_demo`` (idempotent, debug only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from cityrelations.roles import DIPLOMACY_UNIT, MAYORS_OFFICE

DEMO_USERS = [
    ("staff", "Dana", "Demo", DIPLOMACY_UNIT),
    ("mayor", "Mara", "Demo", MAYORS_OFFICE),
]


class Command(BaseCommand):
    help = "Load demo data: users staff/mayor (password 'demo'), Budapest and its partners."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with known passwords: debug mode only.")
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
        self.stdout.write(self.style.SUCCESS("Demo users: staff / demo, mayor / demo"))
