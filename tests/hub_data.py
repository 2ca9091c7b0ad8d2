"""A partnership whose hub has data in every panel, built with the factories (the hub view tests
and the browser test share it). ``extra`` adds that many more rows to every panel, so a test can
show that the hub's query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from delegations.models import Gift, Participant, Visit
from newsletters.models import Edition, EditionItem
from partners.models import Agreement, Office, Partnership
from tests.delegations.factories import VisitFactory
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
)


@dataclass
class Hub:
    partnership: Partnership
    mayor_name: str
    coming_visit: str
    past_visit: str
    expired_agreement: str
    expiring_agreement: str
    project: str
    network: str
    gift: str
    newsletter_item: str
    interaction: str


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _rows(partnership: Partnership, n: int, tag: str) -> None:
    """One more row for every panel of ``partnership`` (``tag`` makes the names unique)."""
    city = partnership.city
    mayor = ContactFactory(city=city, last_name=f"Huber{tag}")
    Office.objects.create(title=f"Deputy Mayor {tag}", contact=mayor, city=city)
    AgreementFactory(partnership=partnership, title=f"Charter {tag}").cities.add(city)
    ProjectFactory(title=f"Project {tag}").partnerships.add(partnership)
    InteractionFactory(partnership=partnership, subject=f"Call {tag}").contacts.add(mayor)
    network = OrganizationFactory(name=f"Network {city.name} {tag}", city=city)
    MembershipFactory(organization=network)
    visit = VisitFactory(
        title=f"Visit {tag}", partnership=partnership, start_date=_day(10 + n), cities=[city]
    )
    Participant.objects.create(visit=visit, contact=mayor)
    Gift.objects.create(
        direction=Gift.Direction.GIVEN,
        description=f"Vase {tag}",
        date=_day(-n),
        visit=visit,
        counterpart=f"Mayor {tag}",
        counterpart_contact=mayor,
    )
    edition, _created = Edition.objects.get_or_create(
        month=dt.date(2000 + n, 1, 1), defaults={"title": f"Edition {tag}"}
    )
    EditionItem.objects.create(
        edition=edition,
        kind=EditionItem.Kind.CUSTOM,
        title=f"News from {city.name} {tag}",
        body="",
    )


def partnership_hub(*, city_name: str = "Vienna", extra: int = 0) -> Hub:
    city = CityFactory(name=city_name, country="AT")
    partnership = PartnershipFactory(city=city)
    mayor = ContactFactory(city=city, first_name="Michael", last_name="Ludwig")
    Office.objects.create(title=f"Mayor of {city_name}", contact=mayor, city=city)
    AgreementFactory(
        partnership=partnership,
        title="Culture exchange 2015",
        status=Agreement.Status.IN_FORCE,
        valid_until=_day(-30),
    )
    AgreementFactory(
        partnership=partnership,
        title="Tram know-how MoU",
        status=Agreement.Status.IN_FORCE,
        valid_until=_day(20),
        renewal_notice_days=60,
    )
    ProjectFactory(title="Green tram corridors").partnerships.add(partnership)
    InteractionFactory(partnership=partnership, subject="Call with the mayor's office")
    network = OrganizationFactory(name=f"Eurocities ({city_name})")
    MembershipFactory(organization=network, annual_fee=Decimal("1000"))
    ContactFactory(city=city, organization=network, last_name="Network-Liaison")
    coming = VisitFactory(
        title="Mayor's visit to Budapest",
        direction=Visit.Direction.INCOMING,
        partnership=partnership,
        start_date=_day(5),
        status=Visit.Status.APPROVED,
    )
    past = VisitFactory(
        title="Study trip to Vienna",
        direction=Visit.Direction.OUTGOING,
        start_date=_day(-40),
        status=Visit.Status.COMPLETED,
        cities=[city],
    )
    Participant.objects.create(visit=coming, contact=mayor)
    Gift.objects.create(
        direction=Gift.Direction.RECEIVED,
        description="Porcelain tram model",
        date=_day(-39),
        visit=past,
        counterpart=f"Mayor of {city_name}",
        counterpart_contact=mayor,
    )
    edition, _created = Edition.objects.get_or_create(
        month=dt.date(2024, 5, 1), defaults={"title": "May 2024"}
    )
    EditionItem.objects.create(
        edition=edition,
        kind=EditionItem.Kind.PARTNERSHIP,
        title="Twenty years of partnership",
        source_key=f"partners.partnership:{partnership.pk}",
    )
    for n in range(extra):
        _rows(partnership, n, f"x{n}")
    return Hub(
        partnership=partnership,
        mayor_name=mayor.full_name,
        coming_visit=coming.title,
        past_visit=past.title,
        expired_agreement="Culture exchange 2015",
        expiring_agreement="Tram know-how MoU",
        project="Green tram corridors",
        network=network.name,
        gift="Porcelain tram model",
        newsletter_item="Twenty years of partnership",
        interaction="Call with the mayor's office",
    )
