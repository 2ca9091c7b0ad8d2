"""The public archive, the web version of sent editions, the Atom feed; the purge task."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.models import Edition, Subscriber
from newsletters.tasks import purge_unconfirmed_subscribers

from .factories import EditionFactory, EditionItemFactory, StoryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _sent(month: dt.date, title: str) -> Edition:
    return EditionFactory(
        month=month, title=title, status=Edition.Status.SENT, sent_at=timezone.now()
    )


def test_archive_lists_only_sent_editions(client):
    _sent(dt.date(2026, 4, 1), "April issue")
    EditionFactory(month=dt.date(2026, 5, 1), title="Draft issue")
    response = client.get(reverse("newsletters:archive"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "April issue" in body and "Draft issue" not in body
    assert reverse("newsletters:edition_public", args=["2026-04"]) in body


def test_archive_empty_state(client):
    assert "No issue has been published yet" in client.get("/newsletter/archive/").content.decode()


def test_web_version_shows_included_items_only(client):
    edition = _sent(dt.date(2026, 4, 1), "April issue")
    EditionItemFactory(edition=edition, title="In it", body="<p>Body <strong>bold</strong></p>")
    EditionItemFactory(edition=edition, title="Dropped one", included=False)
    response = client.get(reverse("newsletters:edition_public", args=["2026-04"]))
    body = response.content.decode()
    assert "In it" in body and "<strong>bold</strong>" in body
    assert "Dropped one" not in body


def test_web_version_shows_story_images(client, django_assert_num_queries):
    from django.core.files.base import ContentFile

    story = StoryFactory(title="Green roofs", image_alt="A green roof")
    story.image.save("roof.png", ContentFile(b"png"), save=True)
    plain = StoryFactory(title="No picture")
    edition = _sent(dt.date(2026, 4, 1), "April issue")
    for item_story in (story, plain):
        EditionItemFactory(
            edition=edition,
            kind="story",
            title=item_story.title,
            source_key=f"newsletters.story:{item_story.pk}",
        )
    EditionItemFactory(edition=edition, source_key="newsletters.story:oops")
    with django_assert_num_queries(3):  # the edition, its items, the stories with images
        body = client.get(reverse("newsletters:edition_public", args=["2026-04"])).content.decode()
    assert body.count("<img") == 1
    assert reverse("newsletters:story_image", args=[story.pk]) in body
    assert 'alt="A green roof"' in body


@pytest.mark.parametrize("month", ["2026-05", "2026-13", "abc", "2026-4-1", "0-0"])
def test_web_version_404s(client, month):
    EditionFactory(month=dt.date(2026, 5, 1))  # a draft is not public
    assert client.get(reverse("newsletters:edition_public", args=[month])).status_code == 404


def test_atom_feed_parses(client):
    _sent(dt.date(2026, 3, 1), "March issue")
    _sent(dt.date(2026, 4, 1), "April issue")
    EditionFactory(month=dt.date(2026, 5, 1))
    response = client.get(reverse("newsletters:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["April issue", "March issue"]
    link = entries[0].find(f"{ATOM}link").get("href")
    page = reverse("newsletters:edition_public", args=["2026-04"])
    assert link.endswith(f"{page}?lang=en")  # the feed's language (the reader's, English here)


@pytest.mark.parametrize("rows", [1, 10])
def test_archive_query_count(client, django_assert_num_queries, rows):
    for n in range(rows):
        _sent(dt.date(2020 + n, 1, 1), f"Issue {n}")
    with django_assert_num_queries(1):
        client.get(reverse("newsletters:archive"))


def test_purge_deletes_stale_pending_subscribers_and_their_history():
    old = timezone.now() - dt.timedelta(days=15)
    stale = SubscriberFactory(status=Subscriber.Status.PENDING, consent_at=old)
    fresh = SubscriberFactory(status=Subscriber.Status.PENDING)
    active = SubscriberFactory(consent_at=old)
    assert purge_unconfirmed_subscribers.delay().get() == 1
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {fresh.pk, active.pk}
    assert not Subscriber.history.model.objects.filter(id=stale.pk).exists()
