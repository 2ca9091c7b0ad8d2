"""Smaller holes in the newsletter: story bodies are sanitised by the model whatever writes them,
the confirmation email never carries the name typed into the public form, and story images are
public only once the story is in a sent edition."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cityrelations.mfa.testing import login_verified
from newsletters.models import Edition, EditionItem, Story

from ..factories import UserFactory
from .factories import EditionFactory, EditionItemFactory, StoryFactory

pytestmark = pytest.mark.django_db

DIRTY = (
    '<p onclick="steal()">Roofs<script>alert(1)</script> <a href="javascript:alert(2)">x</a>'
    '<img src="https://t.example/pixel.gif"><iframe src="https://evil.example"></iframe></p>'
)


def _assert_clean(html: str) -> None:
    for bad in ("<script", "alert", "onclick", "javascript:", "<img", "<iframe", "evil.example"):
        assert bad not in html, bad
    assert "Roofs" in html


# --- Story bodies are sanitised by the model ---------------------------------------------------


def test_a_story_saved_through_the_admin_is_sanitised_in_each_language():
    admin = Client()
    login_verified(admin, UserFactory(username="root", is_staff=True, is_superuser=True))
    data = {
        "title_en": "Admin story",
        "title_hu": "Admin hír",
        "kind": "news",
        "month": "2026-05-01",
        "body_en": DIRTY,
        "body_hu": DIRTY,
        "image_alt_en": "",
        "image_alt_hu": "",
    }
    response = admin.post(reverse("admin:newsletters_story_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get(title_en="Admin story")
    _assert_clean(story.body_en)
    _assert_clean(story.body_hu)


def test_the_orm_sanitises_every_way_of_writing():
    story = Story.objects.create(title="ORM", month="2026-05-01", body=DIRTY)
    _assert_clean(story.body)  # the object in memory too
    story.refresh_from_db()
    _assert_clean(story.body)

    story.body = DIRTY
    story.save(update_fields=["body"])
    story.refresh_from_db()
    _assert_clean(story.body)

    Story.objects.filter(pk=story.pk).update(body=DIRTY)
    story.refresh_from_db()
    _assert_clean(story.body)

    [bulk] = Story.objects.bulk_create([Story(title="Bulk", month="2026-05-01", body=DIRTY)])
    _assert_clean(Story.objects.get(pk=bulk.pk).body)

    # Each language's column is a sanitising field too, whichever way it is written.
    Story.objects.filter(pk=story.pk).update(body_en=DIRTY, body_hu=DIRTY)
    story.refresh_from_db()
    _assert_clean(story.body_en)
    _assert_clean(story.body_hu)
    story.body_hu = DIRTY
    story.save()
    story.refresh_from_db()
    _assert_clean(story.body_hu)


def test_edition_introductions_and_item_texts_are_sanitised_too():
    edition = EditionFactory(introduction=DIRTY)
    item = EditionItemFactory(edition=edition, body=DIRTY)
    edition.refresh_from_db()
    item.refresh_from_db()
    _assert_clean(edition.introduction)
    _assert_clean(item.body)
    EditionItem.all_items.filter(pk=item.pk).update(body=DIRTY)
    item.refresh_from_db()
    _assert_clean(item.body)


def test_sanitised_text_keeps_its_formatting():
    story = StoryFactory(body='<p><strong>Bold</strong> <a href="https://x.example">link</a></p>')
    story.refresh_from_db()
    assert "<strong>Bold</strong>" in story.body
    assert 'href="https://x.example"' in story.body


def test_a_crm_summary_with_markup_stays_escaped_text_in_an_item():
    from newsletters.sanitize import text_to_html

    item = EditionItemFactory(body=text_to_html("<b>Bold claim</b> & <script>x()</script>"))
    item.refresh_from_db()
    assert "&lt;b&gt;Bold claim&lt;/b&gt; &amp; &lt;script&gt;" in item.body
    assert "<b>" not in item.body and "<script" not in item.body


# --- The confirmation email does not echo the typed name ----------------------------------------


def test_the_confirmation_email_does_not_carry_the_typed_name(
    client, django_capture_on_commit_callbacks
):
    name = "Win a prize at https://scam.example now"
    payload = {"email": "victim@mail.example", "name": name, "language": "en", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("newsletters:subscribe"), payload)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):
        assert "scam.example" not in part
        assert "Win a prize" not in part
    assert "/newsletter/confirm/" in message.body  # it is still the confirmation email


# --- Story images: public once sent, staff always ----------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _story_with_image() -> Story:
    story = StoryFactory(title="Green roofs", image_alt="A green roof")
    story.image.save("roof.png", ContentFile(_png()), save=True)
    return story


def _in_edition(story: Story, status: str, *, included: bool = True) -> None:
    EditionItemFactory(
        edition=EditionFactory(status=status),
        kind="story",
        source_key=f"newsletters.story:{story.pk}",
        included=included,
    )


def _image(client: Client, story: Story):
    return client.get(reverse("newsletters:story_image", args=[story.pk]))


def test_an_unpublished_storys_image_is_not_public(anonymous_client, staff_client, mayor_client):
    story = _story_with_image()
    _in_edition(story, Edition.Status.APPROVED)
    _in_edition(story, Edition.Status.SENT, included=False)  # dropped from the sent one
    assert _image(anonymous_client, story).status_code == 404
    for client in (staff_client, mayor_client):
        response = _image(client, story)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == _png()


def test_a_story_in_a_sent_edition_has_a_public_image(anonymous_client):
    story = _story_with_image()
    other = _story_with_image()  # same image, never sent
    _in_edition(story, Edition.Status.SENT)
    response = _image(anonymous_client, story)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    assert _image(anonymous_client, other).status_code == 404
    # A key that only starts with the story's id does not publish it.
    assert re.fullmatch(r"\d+", str(other.pk))
    EditionItemFactory(
        edition=EditionFactory(status=Edition.Status.SENT),
        source_key=f"newsletters.story:{other.pk}0",
    )
    assert _image(anonymous_client, other).status_code == 404
