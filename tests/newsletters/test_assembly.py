"""Assembling an edition from public CRM records and stories; idempotency; the beat task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from delegations.models import Visit
from newsletters.assembly import edition_assemble
from newsletters.models import Edition, EditionItem
from newsletters.tasks import assemble_edition
from partners.models import Interaction
from tests.delegations.factories import VisitFactory
from tests.factories import (
    AgreementFactory,
    CityFactory,
    InteractionFactory,
    MembershipFactory,
    PartnershipFactory,
)

from .factories import StoryFactory

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


def _keys(edition: Edition) -> set[str]:
    return set(EditionItem.all_items.filter(edition=edition).values_list("source_key", flat=True))


def _public_records() -> dict[str, object]:
    city = CityFactory(name="Vienna")
    return {
        "visit": VisitFactory(
            title="Mayors meet on housing",
            public_summary="Vienna's mayor visited social housing.",
            status=Visit.Status.COMPLETED,
            is_public=True,
            start_date=dt.date(2026, 5, 10),
            end_date=dt.date(2026, 5, 12),
            cities=[city],
        ),
        "agreement": AgreementFactory(
            title="MoU on tram cooperation", is_public=True, signed_on=dt.date(2026, 5, 20)
        ),
        "partnership": PartnershipFactory(
            city=CityFactory(name="Kraków"), is_public=True, established_on=dt.date(2026, 5, 3)
        ),
        "membership": MembershipFactory(is_public=True, since=dt.date(2026, 5, 1)),
        "event": InteractionFactory(
            kind=Interaction.Kind.EVENT,
            subject="Eurocities forum",
            is_public=True,
            occurred_on=dt.date(2026, 6, 15),
        ),
        "upcoming_visit": VisitFactory(
            title="Delegation from Warsaw",
            status=Visit.Status.CONFIRMED,
            is_public=True,
            start_date=dt.date(2026, 6, 2),
            end_date=dt.date(2026, 6, 3),
        ),
        "story": StoryFactory(title="Green roofs", month=MAY),
    }


def _private_and_out_of_month() -> None:
    VisitFactory(
        status=Visit.Status.COMPLETED,
        is_public=False,
        start_date=dt.date(2026, 5, 1),
        end_date=dt.date(2026, 5, 2),
    )
    VisitFactory(
        status=Visit.Status.COMPLETED,
        is_public=True,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 4, 2),
    )
    VisitFactory(
        status=Visit.Status.DRAFT,
        is_public=True,
        start_date=dt.date(2026, 6, 5),
        end_date=dt.date(2026, 6, 6),
    )
    AgreementFactory(is_public=False, signed_on=dt.date(2026, 5, 5))
    AgreementFactory(is_public=True, signed_on=dt.date(2026, 6, 5))
    PartnershipFactory(is_public=False, established_on=dt.date(2026, 5, 5))
    MembershipFactory(is_public=False, since=dt.date(2026, 5, 5))
    InteractionFactory(
        kind=Interaction.Kind.MEETING, is_public=True, occurred_on=dt.date(2026, 6, 5)
    )
    InteractionFactory(
        kind=Interaction.Kind.EVENT, is_public=False, occurred_on=dt.date(2026, 6, 5)
    )
    StoryFactory(month=dt.date(2026, 4, 1))


def test_each_kind_of_public_record_becomes_an_item():
    records = _public_records()
    _private_and_out_of_month()
    edition = edition_assemble(month=dt.date(2026, 5, 17))
    assert edition.month == MAY
    assert edition.status == Edition.Status.DRAFT
    assert "May 2026" in edition.title
    items = {item.source_key: item for item in edition.items.all()}
    assert set(items) == {
        f"delegations.visit:{records['visit'].pk}",
        f"partners.agreement:{records['agreement'].pk}",
        f"partners.partnership:{records['partnership'].pk}",
        f"partners.membership:{records['membership'].pk}",
        f"partners.interaction:{records['event'].pk}",
        f"delegations.visit:{records['upcoming_visit'].pk}",
        f"newsletters.story:{records['story'].pk}",
    }
    visit = items[f"delegations.visit:{records['visit'].pk}"]
    assert visit.kind == EditionItem.Kind.VISIT
    assert visit.title == "Mayors meet on housing"
    assert "social housing" in visit.body and "Vienna" in visit.body
    # The summary is text in a paragraph (escaped, then sanitised by the field: nh3 writes the
    # apostrophe back as a character; markup in a summary stays escaped, test_story_safety.py).
    assert "<p>Vienna's mayor visited social housing.</p>" in visit.body
    partnership = items[f"partners.partnership:{records['partnership'].pk}"]
    assert partnership.title.startswith("New partner city: Kraków")
    assert items[f"partners.interaction:{records['event'].pk}"].kind == EditionItem.Kind.EVENT
    assert items[f"delegations.visit:{records['upcoming_visit'].pk}"].kind == "event"
    story = items[f"newsletters.story:{records['story'].pk}"]
    assert (story.kind, story.body) == ("story", records["story"].body)
    orders = [item.order for item in edition.items.all()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_purpose_stands_in_for_a_missing_public_summary():
    VisitFactory(
        purpose="Talks on flood defence",
        public_summary="",
        is_public=True,
        status=Visit.Status.COMPLETED,
        start_date=dt.date(2026, 5, 3),
        end_date=dt.date(2026, 5, 4),
    )
    edition = edition_assemble(month=MAY)
    assert "flood defence" in edition.items.get().body


def test_assembling_again_adds_only_new_sources_and_keeps_edits_and_drops():
    records = _public_records()
    edition = edition_assemble(month=MAY)
    edited = edition.items.get(source_key=f"newsletters.story:{records['story'].pk}")
    edited.title = "Edited by staff"
    edited.order = 99
    edited.save()
    dropped = edition.items.get(source_key=f"partners.agreement:{records['agreement'].pk}")
    dropped.included = False
    dropped.save()
    count = EditionItem.all_items.filter(edition=edition).count()

    again = edition_assemble(month=MAY)
    assert again.pk == edition.pk
    assert EditionItem.all_items.filter(edition=edition).count() == count

    new_story = StoryFactory(month=MAY, title="Late story")
    edition_assemble(month=MAY)
    assert EditionItem.all_items.filter(edition=edition).count() == count + 1
    assert f"newsletters.story:{new_story.pk}" in _keys(edition)
    edited.refresh_from_db()
    assert (edited.title, edited.order) == ("Edited by staff", 99)
    dropped.refresh_from_db()
    assert dropped.included is False
    assert not edition.items.filter(pk=dropped.pk).exists()  # the default manager hides it


def test_only_a_draft_can_be_assembled():
    edition = edition_assemble(month=MAY)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    StoryFactory(month=MAY)
    with pytest.raises(ValidationError):
        edition_assemble(month=MAY)
    assert not EditionItem.all_items.filter(edition=edition).exists()


def test_task_assembles_the_previous_month_by_default(monkeypatch):
    monkeypatch.setattr("newsletters.assembly.timezone.localdate", lambda: dt.date(2026, 6, 1))
    StoryFactory(month=MAY)
    edition_id = assemble_edition.delay().get()
    edition = Edition.objects.get(pk=edition_id)
    assert edition.month == MAY
    assert edition.items.count() == 1
    assert assemble_edition.delay("2026-03").get() != edition_id
    # A sent edition is left alone, not an error.
    Edition.objects.filter(pk=edition_id).update(status=Edition.Status.SENT)
    assert assemble_edition.delay("2026-05").get() == edition_id


def test_beat_schedule_exists():
    from django_celery_beat.models import PeriodicTask

    assemble = PeriodicTask.objects.get(task="newsletters.tasks.assemble_edition")
    assert (assemble.crontab.day_of_month, assemble.crontab.hour, assemble.crontab.minute) == (
        "1",
        "6",
        "0",
    )
    assert str(assemble.crontab.timezone) == "Europe/Budapest"
    assert PeriodicTask.objects.filter(
        task="newsletters.tasks.purge_unconfirmed_subscribers", enabled=True
    ).exists()


def test_a_thousand_public_records_take_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    city = CityFactory()
    visits = Visit.objects.bulk_create(
        Visit(
            direction=Visit.Direction.INCOMING,
            title=f"Visit {n}",
            level=Visit.Level.OFFICIAL,
            start_date=dt.date(2026, 5, 1 + n % 28),
            end_date=dt.date(2026, 5, 1 + n % 28),
            status=Visit.Status.COMPLETED,
            is_public=True,
            public_summary="A summary.",
        )
        for n in range(1000)
    )
    Visit.cities.through.objects.bulk_create(
        Visit.cities.through(visit_id=visit.pk, city_id=city.pk) for visit in visits
    )
    with django_assert_max_num_queries(20):
        edition = edition_assemble(month=MAY)
    assert EditionItem.all_items.filter(edition=edition).count() == 1000


def test_assembled_items_read_naturally_in_each_language():
    """Each item is written once per language: Hungarian sentences, dates and labels under
    Hungarian, English under English; a story brings both of its own texts."""
    records = _public_records()
    story = records["story"]
    story.title_hu, story.body_hu = "Zöld tetők", "<p>Tetőkertek a belvárosban.</p>"
    story.save()
    edition = edition_assemble(month=MAY)
    assert (edition.title_en, edition.title_hu) == (
        "Newsletter — May 2026",
        "Hírlevél — 2026. május",
    )
    items = {item.source_key: item for item in edition.items.all()}

    partnership = items[f"partners.partnership:{records['partnership'].pk}"]
    assert partnership.title_en == "New partner city: Kraków, Austria"
    assert partnership.title_hu == "Új partnerváros: Kraków, Ausztria"
    agreement = items[f"partners.agreement:{records['agreement'].pk}"]
    assert "signed on" in agreement.body_en and "2026. május" not in agreement.body_en
    assert "aláírva: 2026. május 20." in agreement.body_hu
    membership = items[f"partners.membership:{records['membership'].pk}"]
    organization = records["membership"].organization
    assert membership.title_en == f"Budapest joined {organization}"
    assert membership.title_hu == f"Budapest új tagsága: {organization}"
    visit = items[f"delegations.visit:{records['visit'].pk}"]
    assert "2026. május 10. – 2026. május 12." in visit.body_hu and "Vienna" in visit.body_hu
    assert "2026. május" not in visit.body_en
    story_item = items[f"newsletters.story:{story.pk}"]
    assert (story_item.title_en, story_item.title_hu) == ("Green roofs", "Zöld tetők")
    assert story_item.body_hu == "<p>Tetőkertek a belvárosban.</p>"
    assert story_item.body_en == story.body_en


def test_dates_read_as_everywhere_else_in_each_language():
    """The items' dates come from core's formats (one look per language across the app): a
    range for a visit of several days, one date for a one-day visit."""
    from django.utils import translation

    from cityrelations.core.formats import date_range, format_date

    long, short = (
        VisitFactory(
            status=Visit.Status.COMPLETED,
            is_public=True,
            start_date=dt.date(2026, 5, start),
            end_date=dt.date(2026, 5, end),
        )
        for start, end in ((10, 12), (20, 20))
    )
    edition = edition_assemble(month=MAY)
    items = {item.source_key: item for item in edition.items.all()}
    for code in ("en", "hu"):
        with translation.override(code):
            body = items[f"delegations.visit:{long.pk}"].body
            assert date_range(long.start_date, long.end_date) in body
            body = items[f"delegations.visit:{short.pk}"].body
            assert f"<em>{format_date(short.start_date)}" in body and " – " not in body
    assert "2026. május 10. – 2026. május 12." in items[f"delegations.visit:{long.pk}"].body_hu
    assert "10 May 2026 – 12 May 2026" in items[f"delegations.visit:{long.pk}"].body_en


def test_a_completed_hosted_event_becomes_an_item_in_both_languages():
    """Events the unit held (completed: each was published) feed the month they ended in,
    each language from the event's own texts; drafts, cancelled and other months do not."""
    from django.utils import timezone

    from tests.delegations.factories import EventFactory

    def at(day: int, month: int = 5) -> dt.datetime:
        return timezone.make_aware(dt.datetime(2026, month, day, 10))

    held = EventFactory(
        title_en="International Conference of Free Cities",
        title_hu="Szabad Városok Nemzetközi Konferenciája",
        description_en="Mayors on housing.",
        description_hu="Polgármesterek a lakhatásról.",
        status="completed",
        starts_at=at(14),
        ends_at=at(15),
        kind="conference",
    )
    EventFactory(status="published", starts_at=at(3), ends_at=at(4))
    EventFactory(status="cancelled", starts_at=at(5), ends_at=at(6))
    EventFactory(status="completed", starts_at=at(2, 4), ends_at=at(3, 4))
    edition = edition_assemble(month=MAY)
    items = [i for i in edition.items.all() if i.source_key.startswith("delegations.event:")]
    assert [i.source_key for i in items] == [f"delegations.event:{held.pk}"]
    item = items[0]
    assert item.kind == EditionItem.Kind.HOSTED_EVENT
    assert item.title_en == "International Conference of Free Cities"
    assert item.title_hu == "Szabad Városok Nemzetközi Konferenciája"
    assert "Mayors on housing." in item.body_en and "Conference" in item.body_en
    assert "Polgármesterek a lakhatásról." in item.body_hu and "Konferencia" in item.body_hu
    assert "2026. május 14." in item.body_hu
    # Assembling again adds nothing new.
    edition_assemble(month=MAY)
    assert EditionItem.all_items.filter(source_key=item.source_key).count() == 1
