"""Demo business opportunities: a dozen leads across every stage, with investors, chambers of
commerce and investment agencies (all fictional), values in several currencies and next steps.
Idempotent: each lead is looked up by its title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..models import City, Opportunity, Organization, Task, Theme

K = Organization.Kind
St = Opportunity.Stage
Se = Opportunity.Sector

# (title, organisation, its kind, city, country, sector, stage, value, currency, jobs, themes,
#  next step (days from today) or the outcome's reason)
LEADS: list[tuple[Any, ...]] = [
    (
        "Battery cell plant",
        "Example Energy Co.",
        K.BUSINESS,
        "Seoul",
        "KR",
        Se.ENERGY,
        St.PROPOSAL,
        "420000000",
        "EUR",
        900,
        ("investment", "climate"),
        ("Send the site offer", 5),
    ),
    (
        "Regional service centre",
        "Demo Shared Services Ltd.",
        K.BUSINESS,
        "Dublin",
        "IE",
        Se.BUSINESS_SERVICES,
        St.MEETING,
        "12000000",
        "EUR",
        350,
        ("investment",),
        ("Prepare the meeting with the Mayor", 12),
    ),
    (
        "Software development hub",
        "Sample Soft Inc.",
        K.BUSINESS,
        "Toronto",
        "CA",
        Se.ICT,
        St.CONTACTED,
        "8000000",
        "USD",
        200,
        ("innovation",),
        ("Follow-up call", -2),
    ),
    (
        "Logistics park on the M0",
        "Fictional Freight GmbH",
        K.BUSINESS,
        "Vienna",
        "AT",
        Se.LOGISTICS,
        St.IDENTIFIED,
        "25000000",
        "EUR",
        150,
        ("investment", "transport"),
        None,
    ),
    (
        "Biotech research lab",
        "Imaginary Life Sciences",
        K.BUSINESS,
        "Tel Aviv",
        "IL",
        Se.LIFE_SCIENCES,
        St.MEETING,
        "30000000",
        "USD",
        120,
        ("innovation", "health"),
        ("Introduce to the university", 20),
    ),
    (
        "Hotel and conference centre",
        "Placeholder Hospitality",
        K.BUSINESS,
        "Istanbul",
        "TR",
        Se.TOURISM,
        St.IDENTIFIED,
        "9500000000",
        "HUF",
        180,
        ("tourism",),
        None,
    ),
    (
        "Trade mission 2027",
        "Demo Chamber of Commerce",
        K.CHAMBER,
        "Tokyo",
        "JP",
        Se.OTHER,
        St.CONTACTED,
        None,
        "EUR",
        None,
        ("economic-development",),
        ("Agree on the delegation's dates", 30),
    ),
    (
        "Green bond co-investment",
        "Example Investment Agency",
        K.INVESTMENT_AGENCY,
        "Paris",
        "FR",
        Se.FINANCE,
        St.PROPOSAL,
        "50000000",
        "EUR",
        None,
        ("climate", "investment"),
        ("Answer the term sheet", 3),
    ),
    (
        "Food processing plant",
        "Sample Agrifoods",
        K.BUSINESS,
        "Buenos Aires",
        "AR",
        Se.AGRIFOOD,
        St.IDENTIFIED,
        "6000000",
        "USD",
        90,
        ("investment",),
        None,
    ),
    (
        "Electric bus assembly",
        "Fictional Motors",
        K.BUSINESS,
        "Beijing",
        "CN",
        Se.AUTOMOTIVE,
        St.WON,
        "75000000",
        "EUR",
        400,
        ("transport", "investment"),
        "Chose Budapest for its skilled workforce and the tram-train network.",
    ),
    (
        "Film studio expansion",
        "Demo Studios",
        K.BUSINESS,
        "Mumbai",
        "IN",
        Se.CREATIVE,
        St.LOST,
        "15000000",
        "EUR",
        60,
        ("culture",),
        "Went to another city with a larger tax rebate.",
    ),
    (
        "Data centre campus",
        "Placeholder Cloud",
        K.BUSINESS,
        "New York City",
        "US",
        Se.ICT,
        St.WON,
        "200000000",
        "USD",
        80,
        ("innovation",),
        "Grid connection and a site in the Csepel industrial zone agreed.",
    ),
]


def seed_opportunities(owner: Any, today: dt.date) -> int:
    """Create the demo leads that are missing; return how many there are."""
    for lead in LEADS:
        title, org_name, kind, city_name, country, sector, stage = lead[:7]
        value, currency, jobs, themes, step = lead[7:]
        if Opportunity.objects.filter(title=title).exists():
            continue
        city = City.objects.filter(name=city_name, country=country).first()
        organization, _ = Organization.objects.get_or_create(
            name=org_name, defaults={"kind": kind, "country": country, "city": city}
        )
        closed = stage in (St.WON, St.LOST)
        opportunity = Opportunity.objects.create(
            title=title,
            organization=organization,
            city=city,
            country=country,
            sector=sector,
            stage=stage,
            outcome_reason=step if closed else "",
            value=Decimal(value) if value else None,
            currency=currency,
            expected_jobs=jobs,
            owner=owner,
            description=f"Fictional demo lead: {title.lower()} with {org_name.rstrip('.')}.",
        )
        opportunity.themes.add(*Theme.objects.filter(slug__in=themes))
        if step and not closed:
            Task.objects.create(
                record=opportunity,
                title=step[0],
                due_on=today + dt.timedelta(days=step[1]),
                owner=owner,
                created_by=owner,
            )
    return Opportunity.objects.count()
