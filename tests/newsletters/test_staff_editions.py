"""Staff pages for stories and editions: CRUD, sanitising, images, assemble, reorder, drop,
edit, preview, approve, statistics; roles and query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from newsletters.models import Delivery, Edition, EditionItem, Story, Subscriber
from tests.editing import with_version

from .factories import EditionFactory, EditionItemFactory, StoryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int] = (4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _story_data(**changes: object) -> dict[str, object]:
    data = {
        "title_en": "Solar schools",
        "kind": "best_practice",
        "month": "2026-05",
        "body_en": "<p>Roofs <script>alert(1)</script><a href='https://x.example' "
        "onclick='x()'>link</a></p><img src=x>",
        "image_alt_en": "",
    }
    data.update(changes)
    return data


# --- Stories -----------------------------------------------------------------------------------


def test_create_story_sanitises_the_body(staff_client, staff_user):
    response = staff_client.post(reverse("newsletters:story_create"), _story_data())
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.month == dt.date(2026, 5, 1)
    assert story.created_by == staff_user
    assert "<script" not in story.body and "alert" not in story.body
    assert "onclick" not in story.body and "<img" not in story.body
    assert 'href="https://x.example"' in story.body and 'rel="noopener' in story.body


def test_story_image_is_validated_and_served_to_staff(staff_client, anonymous_client):
    response = staff_client.post(
        reverse("newsletters:story_create"), _story_data(image=_png(), image_alt_en="Solar panels")
    )
    assert response.status_code == 302
    story = Story.objects.get()
    image = staff_client.get(reverse("newsletters:story_image", args=[story.pk]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    # Not public before the story is in a sent edition (test_story_safety.py).
    assert (
        anonymous_client.get(reverse("newsletters:story_image", args=[story.pk])).status_code == 404
    )
    # Not an image; and an image without a description.
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = staff_client.post(reverse("newsletters:story_create"), _story_data(image=fake))
    assert response.context["form"].errors["image"]
    response = staff_client.post(reverse("newsletters:story_create"), _story_data(image=_png()))
    assert response.context["form"].errors["image_alt_en"]


def test_story_image_too_large(staff_client, monkeypatch):
    monkeypatch.setattr("newsletters.forms.STORY_IMAGE_MAX_BYTES", 10)
    response = staff_client.post(
        reverse("newsletters:story_create"), _story_data(image=_png(), image_alt_en="a")
    )
    assert "larger than 2 MB" in str(response.context["form"].errors["image"])


def test_story_image_404s(anonymous_client):
    story = StoryFactory()
    assert (
        anonymous_client.get(reverse("newsletters:story_image", args=[story.pk])).status_code == 404
    )
    assert anonymous_client.get(reverse("newsletters:story_image", args=[999])).status_code == 404


def test_story_update_and_delete(staff_client):
    story = StoryFactory()
    url = reverse("newsletters:story_update", args=[story.pk])
    assert staff_client.get(url).status_code == 200
    staff_client.post(url, with_version(_story_data(title_en="Renamed"), story))
    story.refresh_from_db()
    assert story.title == "Renamed"
    delete = reverse("newsletters:story_delete", args=[story.pk])
    assert staff_client.get(delete).status_code == 200
    assert staff_client.post(delete).status_code == 302
    assert not Story.objects.exists()


def test_story_pages_by_role(staff_client, mayor_client, anonymous_client):
    story = StoryFactory()
    assert mayor_client.get(reverse("newsletters:story_list")).status_code == 200
    for url in (
        reverse("newsletters:story_create"),
        reverse("newsletters:story_update", args=[story.pk]),
        reverse("newsletters:story_delete", args=[story.pk]),
    ):
        assert mayor_client.get(url).status_code == 403
        assert anonymous_client.get(url).status_code == 302
        assert staff_client.get(url).status_code == 200
    body = mayor_client.get(reverse("newsletters:story_list")).content.decode()
    assert reverse("newsletters:story_create") not in body


@pytest.mark.parametrize("rows", [1, 10])
def test_story_list_query_count(staff_client, django_assert_num_queries, rows):
    for _n in range(rows):
        StoryFactory()
    # The layout's fixed queries (session, user, permissions, groups), whether the search finds
    # any story as typed (else typos are forgiven), then count, page, themes
    with django_assert_num_queries(9):
        assert (
            staff_client.get(reverse("newsletters:story_list") + "?kind=news&q=Story").status_code
            == 200
        )


def test_story_list_filters_by_kind_and_title(staff_client):
    StoryFactory(title="Solar schools", kind=Story.Kind.NEWS, month=dt.date(2026, 5, 1))
    StoryFactory(title="Solar buses", kind=Story.Kind.BEST_PRACTICE, month=dt.date(2026, 4, 1))
    StoryFactory(title="Bike lanes", kind=Story.Kind.NEWS, month=dt.date(2026, 6, 1))
    url = reverse("newsletters:story_list")

    def titles(query: str) -> list[str]:
        return [s.title for s in staff_client.get(url + query).context["stories"]]

    assert titles("") == ["Bike lanes", "Solar schools", "Solar buses"]
    assert titles("?kind=news") == ["Bike lanes", "Solar schools"]
    assert titles("?q=+solar+") == ["Solar schools", "Solar buses"]
    assert titles("?q=solar&kind=best_practice") == ["Solar buses"]
    # An unknown kind is ignored; the search still applies
    assert titles("?q=solar&kind=bogus") == ["Solar schools", "Solar buses"]
    response = staff_client.get(url + "?q=" + "x" * 150 + "&kind=bogus")
    assert response.context["q"] == "x" * 100
    assert response.context["kind"] == "bogus"
    assert staff_client.get(url + "?q=+solar+").context["q"] == "solar"


# --- Editions ----------------------------------------------------------------------------------


def test_assemble_now_button(staff_client, mayor_client):
    StoryFactory(month=dt.date(2026, 5, 1))
    url = reverse("newsletters:edition_assemble")
    assert mayor_client.post(url, {"month": "2026-05"}).status_code == 403
    response = staff_client.post(url, {"month": "2026-05"})
    edition = Edition.objects.get(month=dt.date(2026, 5, 1))
    assert response["Location"] == edition.get_absolute_url()
    assert edition.items.count() == 1
    assert staff_client.post(url, {"month": "garbage"}).status_code == 302
    assert Edition.objects.count() == 1


def test_edition_list_has_the_previous_month_as_default(staff_client):
    response = staff_client.get(reverse("newsletters:edition_list"))
    first = timezone.localdate().replace(day=1)
    expected = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    assert f'value="{expected}"' in response.content.decode()


def test_edition_list_filters_by_status(staff_client):
    draft = EditionFactory()
    sent = EditionFactory(status=Edition.Status.SENT)
    url = reverse("newsletters:edition_list")

    def editions(query: str) -> list[Edition]:
        return list(staff_client.get(url + query).context["editions"])

    assert editions("") == [draft, sent]
    assert editions("?status=sent") == [sent]
    assert editions("?status=approved") == []
    assert editions("?status=bogus") == [draft, sent]  # an unknown status shows every edition
    assert staff_client.get(url + "?status=bogus").context["status"] == "bogus"


@pytest.mark.parametrize("rows", [1, 10])
def test_edition_list_query_count(staff_client, django_assert_num_queries, rows):
    for _n in range(rows):
        EditionItemFactory(edition=EditionFactory())
    # The layout's fixed queries, then count and page (item counts annotated)
    with django_assert_num_queries(7):
        assert staff_client.get(reverse("newsletters:edition_list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_edition_detail_query_count(staff_client, django_assert_max_num_queries, rows):
    edition = EditionFactory()
    for _n in range(rows):
        EditionItemFactory(edition=edition)
    with django_assert_max_num_queries(10):
        response = staff_client.get(edition.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["items"]) == rows


def test_reorder_drop_restore_and_edit_items(staff_client):
    edition = EditionFactory()
    a, b, c = (EditionItemFactory(edition=edition, order=n, title=t) for n, t in enumerate("ABC"))
    move = reverse("newsletters:edition_item_move", args=[edition.pk, c.pk])
    staff_client.post(move, {"direction": "up"})
    assert [i.title for i in edition.items.all()] == ["A", "C", "B"]
    staff_client.post(
        reverse("newsletters:edition_item_move", args=[edition.pk, a.pk]), {"direction": "up"}
    )  # already first: nothing happens
    assert [i.title for i in edition.items.all()] == ["A", "C", "B"]
    toggle = reverse("newsletters:edition_item_toggle", args=[edition.pk, b.pk])
    staff_client.post(toggle)
    assert [i.title for i in edition.items.all()] == ["A", "C"]
    detail = staff_client.get(edition.get_absolute_url())
    assert [i.title for i in detail.context["dropped"]] == ["B"]
    staff_client.post(toggle)
    assert [i.title for i in edition.items.all()] == ["A", "C", "B"]
    edit = reverse("newsletters:edition_item_update", args=[edition.pk, a.pk])
    staff_client.post(
        edit, with_version({"title_en": "A2", "body_en": "<p>ok</p><iframe src=x></iframe>"}, a)
    )
    a.refresh_from_db()
    assert (a.title, a.body) == ("A2", "<p>ok</p>")
    # An item of another edition is 404 here.
    other = EditionItemFactory()
    url = reverse("newsletters:edition_item_toggle", args=[edition.pk, other.pk])
    assert staff_client.post(url).status_code == 404


def test_edit_introduction_is_sanitised(staff_client):
    edition = EditionFactory()
    url = reverse("newsletters:edition_update", args=[edition.pk])
    data = {"title_en": "May", "introduction_en": "<h3>Hi</h3><script>x</script>"}
    staff_client.post(url, with_version(data, edition))
    edition.refresh_from_db()
    assert (edition.title, edition.introduction) == ("May", "<h3>Hi</h3>")


def test_approve_only_drafts_and_then_no_more_edits(staff_client, staff_user, mayor_client):
    edition = EditionFactory()
    item = EditionItemFactory(edition=edition)
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    assert mayor_client.post(url).status_code == 403
    staff_client.post(url)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED
    assert edition.approved_by == staff_user and edition.approved_at is not None
    response = staff_client.post(url, follow=True)
    assert "Only a draft" in response.content.decode()
    toggle = reverse("newsletters:edition_item_toggle", args=[edition.pk, item.pk])
    staff_client.post(toggle)
    item.refresh_from_db()
    assert item.included is True
    staff_client.post(reverse("newsletters:edition_reopen", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and edition.approved_by is None


def test_an_empty_edition_cannot_be_approved(staff_client):
    edition = EditionFactory(introduction="", introduction_hu="")
    staff_client.post(reverse("newsletters:edition_approve", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_preview_html_and_text(staff_client, mayor_client):
    edition = EditionFactory(title="May news")
    EditionItemFactory(edition=edition, title="Shown", title_hu="Látható")
    EditionItemFactory(edition=edition, title="Dropped", title_hu="Elhagyott", included=False)
    url = reverse("newsletters:edition_preview", args=[edition.pk])
    html = staff_client.get(url + "?format=html")
    assert html.status_code == 200
    assert "Shown" in html.content.decode() and "Dropped" not in html.content.decode()
    assert "'unsafe-inline'" in html["Content-Security-Policy"]
    text = mayor_client.get(url + "?format=text&language=hu")
    assert text["Content-Type"].startswith("text/plain")
    assert "Látható" in text.content.decode() and "Elhagyott" not in text.content.decode()
    assert staff_client.get(url + "?language=xx").status_code == 200


def test_statistics_of_a_sent_edition(staff_client, django_assert_max_num_queries):
    sent_at = timezone.now() - dt.timedelta(days=3)
    edition = EditionFactory(status=Edition.Status.SENT, sent_at=sent_at)
    ok = SubscriberFactory()
    bounced = SubscriberFactory(status=Subscriber.Status.BOUNCED)
    left = SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    left_before = SubscriberFactory(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=sent_at - dt.timedelta(days=1)
    )
    for subscriber, status in (
        (ok, "sent"),
        (bounced, "sent"),
        (left, "sent"),
        (left_before, "failed"),
    ):
        Delivery.objects.create(edition=edition, subscriber=subscriber, status=status)
    Delivery.objects.create(edition=EditionFactory(), subscriber=ok, status="sent")
    response = staff_client.get(edition.get_absolute_url())
    assert response.context["stats"] == {
        "recipients": 4,
        "sent": 3,
        "failed": 1,
        "bounced": 1,
        "unsubscribed": 1,
    }
    assert "Unsubscribed since" in response.content.decode()


def test_edition_pages_by_role(mayor_client, anonymous_client):
    edition = EditionFactory()
    item = EditionItemFactory(edition=edition)
    assert mayor_client.get(edition.get_absolute_url()).status_code == 200
    assert anonymous_client.get(edition.get_absolute_url()).status_code == 302
    for url in (
        reverse("newsletters:edition_update", args=[edition.pk]),
        reverse("newsletters:edition_item_update", args=[edition.pk, item.pk]),
    ):
        assert mayor_client.get(url).status_code == 403
    for url in (
        reverse("newsletters:edition_item_move", args=[edition.pk, item.pk]),
        reverse("newsletters:edition_item_toggle", args=[edition.pk, item.pk]),
        reverse("newsletters:edition_reopen", args=[edition.pk]),
    ):
        assert mayor_client.post(url).status_code == 403
    body = mayor_client.get(edition.get_absolute_url()).content.decode()
    assert reverse("newsletters:edition_approve", args=[edition.pk]) not in body
    assert EditionItem.all_items.get(pk=item.pk).included


def test_missing_edition_is_404(staff_client):
    assert staff_client.get(reverse("newsletters:edition_detail", args=[999])).status_code == 404


def test_newsletter_menu_only_for_users_with_newsletter_permissions(staff_client, mayor_client):
    from django.test import Client

    from tests.factories import UserFactory

    menu = reverse("newsletters:edition_list")
    assert menu in staff_client.get(reverse("newsletters:story_list")).content.decode()
    assert menu in mayor_client.get(reverse("newsletters:story_list")).content.decode()
    nobody = Client()
    nobody.force_login(UserFactory(username="no-role"))
    assert menu not in nobody.get(reverse("password_change")).content.decode()
