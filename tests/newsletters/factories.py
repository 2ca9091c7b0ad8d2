"""factory-boy factories for the newsletters app (subscribers, stories, editions, items)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from newsletters import models
from partners.models import Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    """A topic of its own (the reference themes of the data migration do not survive a flush)."""

    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Newsletter topic {n}")
    slug = factory.Sequence(lambda n: f"newsletter-topic-{n}")


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConsentText
        django_get_or_create = ("version",)

    version = factory.Sequence(lambda n: f"test-{n}")
    text_en = "I agree to receive the monthly newsletter."
    text_hu = "Hozzájárulok a havi hírlevél küldéséhez."


class SubscriberFactory(factory.django.DjangoModelFactory):
    """An active, confirmed subscriber by default; pass ``status=...`` for the other states."""

    class Meta:
        model = models.Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@mail.example")
    name = factory.Faker("name")
    language = "en"
    status = models.Subscriber.Status.ACTIVE
    consent_at = factory.LazyFunction(timezone.now)
    consent_ip = "192.0.2.10"
    consent_source = models.Subscriber.Source.WEB
    confirmed_at = factory.LazyAttribute(
        lambda s: s.consent_at if s.status != models.Subscriber.Status.PENDING else None
    )

    @factory.post_generation
    def topics(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.topics.set(extracted)


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Story
        skip_postgeneration_save = True

    # ``title`` and ``body`` are written in the active language (English in tests); the
    # Hungarian texts are there too, as staff write both.
    title = factory.Sequence(lambda n: f"Story {n}")
    title_hu = factory.Sequence(lambda n: f"Hír {n}")
    kind = models.Story.Kind.NEWS
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    body = "<p>Something good happened in the city.</p>"
    body_hu = "<p>Jó dolog történt a városban.</p>"

    @factory.post_generation
    def themes(self, create: bool, extracted, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if create and extracted:
            self.themes.set(extracted)


def _previous_month_first_day() -> dt.date:
    first = timezone.localdate().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _month_back(first_day: dt.date, months: int) -> dt.date:
    index = first_day.year * 12 + (first_day.month - 1) - months
    return dt.date(index // 12, index % 12 + 1, 1)


class EditionFactory(factory.django.DjangoModelFactory):
    """A draft edition for a distinct month (going back from last month, one per instance)."""

    class Meta:
        model = models.Edition

    month = factory.Sequence(lambda n: _month_back(_previous_month_first_day(), n))
    title = factory.LazyAttribute(lambda e: f"Newsletter {e.month:%Y-%m}")
    title_hu = factory.LazyAttribute(lambda e: f"Hírlevél {e.month:%Y-%m}")
    introduction = "<p>Welcome to this month's newsletter.</p>"
    introduction_hu = "<p>Üdvözöljük a havi hírlevélben.</p>"
    status = models.Edition.Status.DRAFT


class EditionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EditionItem

    edition = factory.SubFactory(EditionFactory)
    kind = models.EditionItem.Kind.CUSTOM
    title = factory.Sequence(lambda n: f"Item {n}")
    title_hu = factory.Sequence(lambda n: f"Tétel {n}")
    body = "<p>Item text.</p>"
    body_hu = "<p>A tétel szövege.</p>"
    order = factory.Sequence(lambda n: n)
    source_key = ""


def ensure_migration_data() -> None:
    """Recreate what the newsletter's data migration made (the first consent text and the beat
    schedules): a transactional (browser) test flushes the database when it ends."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("newsletters.migrations.0003_consent_text_and_schedules")
    migration.forwards(apps, None)
