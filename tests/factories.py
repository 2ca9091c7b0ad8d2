"""factory-boy factories for the partners app (other apps keep theirs beside their tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from partners import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@city.example")
    password = factory.django.Password("demo")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.City

    name = factory.Sequence(lambda n: f"Town {n}")
    country = "AT"
    population = 100_000
    latitude = Decimal("48.2082")
    longitude = Decimal("16.3738")
    timezone = "Europe/Vienna"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Partnership

    city = factory.SubFactory(CityFactory)
    level = models.Partnership.Level.PARTNER
    status = models.Partnership.Status.ACTIVE
    established_on = dt.date(2015, 5, 1)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Network {n}")
    kind = models.Organization.Kind.NETWORK


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    organization = factory.SubFactory(OrganizationFactory)
    role = "member"
    since = dt.date(2020, 1, 1)
    annual_fee = Decimal("5000.00")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = factory.Sequence(lambda n: f"Example{n}")
    email = factory.LazyAttribute(lambda c: f"{c.first_name}.{c.last_name}@partner.example".lower())


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Agreement

    title = factory.Sequence(lambda n: f"Memorandum {n}")
    kind = models.Agreement.Kind.MOU
    status = models.Agreement.Status.IN_FORCE
    signed_on = dt.date(2022, 3, 1)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Interaction

    kind = models.Interaction.Kind.MEETING
    subject = factory.Sequence(lambda n: f"Meeting {n}")
    occurred_on = factory.LazyFunction(timezone.localdate)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    title = factory.Sequence(lambda n: f"Project {n}")
    status = models.Project.Status.ACTIVE


class TaskFactory(factory.django.DjangoModelFactory):
    """A task; pass ``record=`` to link it to a partnership, a visit…"""

    class Meta:
        model = models.Task

    title = factory.Sequence(lambda n: f"Task {n}")
    due_on = factory.LazyFunction(timezone.localdate)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Opportunity

    title = factory.Sequence(lambda n: f"Opportunity {n}")
    organization = factory.SubFactory(OrganizationFactory, kind=models.Organization.Kind.BUSINESS)
    sector = models.Opportunity.Sector.ICT
    value = Decimal("1000000")
    currency = "EUR"
