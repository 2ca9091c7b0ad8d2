"""factory-boy factories for the delegations app."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from delegations import models
from tests.factories import ContactFactory, UserFactory


def _in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _default_owner():  # type: ignore[no-untyped-def]
    """One shared owner per test (hashing a password for every visit is slow)."""
    existing = get_user_model().objects.filter(username="visit-owner").first()
    return existing or UserFactory(username="visit-owner", first_name="Olga", last_name="Owner")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Visit
        skip_postgeneration_save = True

    direction = models.Visit.Direction.INCOMING
    title = factory.Sequence(lambda n: f"Delegation {n}")
    purpose = "Exchange of good practice on urban mobility."
    level = models.Visit.Level.OFFICIAL
    start_date = factory.LazyFunction(lambda: _in_days(20))
    end_date = factory.LazyAttribute(lambda v: v.start_date + dt.timedelta(days=2))
    owner = factory.LazyFunction(_default_owner)
    status = models.Visit.Status.DRAFT

    @factory.post_generation
    def cities(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.cities.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participant

    visit = factory.SubFactory(VisitFactory)
    contact = factory.SubFactory(ContactFactory)
    user = None
    role = "Delegate"
    precedence = factory.Sequence(lambda n: n + 1)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgendaItem

    visit = factory.SubFactory(VisitFactory)
    date = factory.LazyAttribute(lambda a: a.visit.start_date)
    start_time = dt.time(10, 0)
    end_time = dt.time(11, 0)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    venue = "City Hall"


class LogisticsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LogisticsItem

    visit = factory.SubFactory(VisitFactory)
    kind = models.LogisticsItem.Kind.TRANSPORT
    due_on = factory.LazyAttribute(lambda item: item.visit.start_date - dt.timedelta(days=7))
    state = models.LogisticsItem.State.TODO


class VisitRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.VisitRequest

    first_name = "Aiko"
    last_name = factory.Sequence(lambda n: f"Tanaka{n}")
    role = "First Secretary"
    requester_kind = models.VisitRequest.RequesterKind.EMBASSY
    organization_name = factory.Sequence(lambda n: f"Embassy {n}")
    country = "JP"
    city_name = ""
    email = factory.Sequence(lambda n: f"requester{n}@embassy.example")
    language = "en"
    direction = models.VisitRequest.Direction.INCOMING
    date_from = factory.LazyFunction(lambda: _in_days(30))
    date_to = factory.LazyAttribute(lambda r: r.date_from + dt.timedelta(days=1))
    purpose = "A courtesy call on the mayor."
    level = models.Visit.Level.OFFICIAL
    delegation_size = 4
    consent_at = factory.LazyFunction(timezone.now)
    consent_ip = "192.0.2.10"


def _at(days: int, hour: int = 9) -> dt.datetime:
    """A moment ``days`` from today at ``hour`` local time."""
    day = _in_days(days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Event
        skip_postgeneration_save = True

    kind = models.Event.Kind.ACADEMY_COURSE
    title_en = factory.Sequence(lambda n: f"Academy of City Diplomacy course {n}")
    title_hu = factory.Sequence(lambda n: f"Városdiplomáciai Akadémia kurzus {n}")
    description_en = "Negotiation, protocol and city networks for young professionals."
    description_hu = "Tárgyalás, protokoll és városhálózatok fiatal szakembereknek."
    starts_at = factory.LazyFunction(lambda: _at(30))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(days=1, hours=8))
    venue = "Budapest City Hall, Díszterem"
    capacity = 20
    status = models.Event.Status.PUBLISHED
    owner = factory.LazyFunction(_default_owner)


class EventSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EventSession

    event = factory.SubFactory(EventFactory)
    title_en = factory.Sequence(lambda n: f"Module {n}")
    title_hu = factory.Sequence(lambda n: f"{n}. modul")
    starts_at = factory.LazyAttribute(lambda s: s.event.starts_at)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=2))
    room = "Room 101"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    organization = "Ministry of Foreign Affairs"
    country = "AT"
    status = models.Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
