"""Data for the running stack, written through the ORM into the stack's own database.

The stack's processes have their own database, not pytest's; so these steps run in a child
process with the stack's environment: ``python -m tests.stack.data <step> '<json options>'``
(``Stack.data(step, **options)``), and print one line of JSON as their answer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

STAFF = "stack-staff"
MAYOR = "stack-mayor"
NEWCOMER = "stack-newcomer"  # staff with a password only: production sends them to enrol


def _user(username: str, group: str, password: str, *, totp: bool = True) -> str | None:
    """The user, with the password and (``totp``) an authenticator app; the app's key (hex),
    from which the journey computes the codes the second step asks for."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cityrelations.mfa.testing import give_totp_device

    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": username,
            "last_name": "Stack",
            "email": f"{username}@city.example",
        },
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return give_totp_device(user).key if totp else None


def journey(*, password: str, subscribers: int) -> dict[str, Any]:
    """The browser journey's starting point: a staff and a mayor's office login (each with an
    authenticator app: ``totp_keys`` by username), a staff login without one, a city to partner
    with, a draft edition and ``subscribers`` active subscribers."""
    from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
    from tests.factories import CityFactory
    from tests.newsletters.factories import EditionItemFactory, SubscriberFactory

    totp_keys = {
        STAFF: _user(STAFF, DIPLOMACY_UNIT, password),
        MAYOR: _user(MAYOR, MAYORS_OFFICE, password),
    }
    _user(NEWCOMER, DIPLOMACY_UNIT, password, totp=False)
    city = CityFactory(name="Graz", region="Styria", timezone="Europe/Vienna")
    item = EditionItemFactory(title="Graz becomes a partner")
    readers = SubscriberFactory.create_batch(subscribers)
    return {
        "totp_keys": totp_keys,
        "city": city.pk,
        "edition": item.edition.pk,
        "edition_title": item.edition.title,
        "subscribers": sorted(reader.email for reader in readers),
    }


def state(*, city: int, edition: int, visit_title: str) -> dict[str, Any]:
    """What the journey changed, read back from the database."""
    from django.db.models import Count

    from delegations.models import Visit
    from newsletters.models import Delivery, Edition
    from partners.models import Partnership

    visit = Visit.objects.filter(title=visit_title).first()
    return {
        "partnerships": list(
            Partnership.objects.filter(city_id=city).values_list("level", "status")
        ),
        "visit_status": visit.status if visit else None,
        "edition_status": Edition.objects.get(pk=edition).status,
        "deliveries": dict(
            Delivery.objects.filter(edition_id=edition)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }


def demo(*, scale: float = 0.1) -> dict[str, Any]:
    """The load test's data: every ``seed_demo`` step, then the benchmark's data grown to
    ``scale`` of its targets (0.1: 500 partnerships, 10,000 contacts, 5,000 visits).

    ``seed_demo`` itself refuses to run without debug, because its users have a known password;
    that guard protects real deployments. This database exists only for one load test and is
    dropped when it ends, so the steps are called directly."""
    from cityrelations.bench.benchmark import grow_delegations, grow_partners
    from cityrelations.management.commands.seed_demo import SEED_STEPS

    summary: dict[str, Any] = {name: str(step()) for name, step in SEED_STEPS}
    if scale:
        summary["bench partners"] = grow_partners(scale)
        summary["bench visits"] = grow_delegations(scale)
    return summary


STEPS: dict[str, Callable[..., dict[str, Any]]] = {"journey": journey, "state": state, "demo": demo}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    step, options = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    answer = STEPS[step](**options)
    print(json.dumps(answer, default=str))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrelations.settings")
    main(sys.argv[1:])
