"""The data steps of this branch's migrations: subscriptions made before the consent text was
kept get the text of their version, rich text stored before the field cleaned it is cleaned, and
stories typed with blank lines get their paragraphs."""

from __future__ import annotations

import pytest

from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("newsletters", "0006_suppression_lift")]
AFTER = [("newsletters", "0008_sanitized_html_fields")]


@pytest.mark.django_db(transaction=True)
def test_backfill_consent_text_and_clean_stored_rich_text():
    old = migrate_to(BEFORE)
    try:
        ConsentText = old.get_model("newsletters", "ConsentText")
        Subscriber = old.get_model("newsletters", "Subscriber")
        Story = old.get_model("newsletters", "Story")
        consent = ConsentText.objects.create(version="v-test", text_en="Yes.", text_hu="Igen.")
        Subscriber.objects.create(email="hu@mail.example", language="hu", consent_text=consent)
        Subscriber.objects.create(email="en@mail.example", language="en", consent_text=consent)
        Subscriber.objects.create(email="none@mail.example", language="en")
        Story.objects.create(title="Old", month="2026-01-01", body="<p>Hi<script>x()</script></p>")

        new = migrate_to(AFTER)
        Subscriber = new.get_model("newsletters", "Subscriber")
        rows = {
            s.email: (s.consent_version, s.consent_language, s.consent_text_shown)
            for s in Subscriber.objects.all()
        }
        assert rows == {
            "hu@mail.example": ("v-test", "hu", "Igen."),
            "en@mail.example": ("v-test", "en", "Yes."),
            "none@mail.example": ("", "", ""),
        }
        assert new.get_model("newsletters", "Story").objects.get().body == "<p>Hi</p>"
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_text_written_before_the_language_columns_is_kept_in_english():
    old = migrate_to([("newsletters", "0009_version")])
    try:
        Edition = old.get_model("newsletters", "Edition")
        Story = old.get_model("newsletters", "Story")
        EditionItem = old.get_model("newsletters", "EditionItem")
        edition = Edition.objects.create(
            month="2026-01-01", title="January", introduction="<p>Hello</p>"
        )
        EditionItem.objects.create(edition=edition, kind="custom", title="Trams", body="<p>B</p>")
        Story.objects.create(
            title="Roofs", month="2026-01-01", body="<p>Green</p>", image_alt="A roof"
        )

        new = migrate_to([("newsletters", "0010_content_in_both_languages")])
        edition = new.get_model("newsletters", "Edition").objects.get()
        assert (edition.title_en, edition.introduction_en) == ("January", "<p>Hello</p>")
        assert (edition.title_hu, edition.introduction_hu) == (None, None)
        item = new.get_model("newsletters", "EditionItem").objects.get()
        assert (item.title_en, item.body_en, item.title_hu) == ("Trams", "<p>B</p>", None)
        story = new.get_model("newsletters", "Story").objects.get()
        assert (story.title_en, story.body_en, story.image_alt_en) == (
            "Roofs",
            "<p>Green</p>",
            "A roof",
        )
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_stories_typed_with_blank_lines_get_their_paragraphs():
    old = migrate_to([("newsletters", "0010_content_in_both_languages")])
    try:
        Story = old.get_model("newsletters", "Story")
        typed = Story.objects.create(
            title="Trams",
            month="2026-01-01",
            body="First.",
            body_en="New trams arrive.\n\nThey are quieter.",
            body_hu="Új villamosok.\r\n\r\nCsendesebbek.",
        )
        html = Story.objects.create(title="Roofs", month="2026-01-01", body_en="<p>A</p><p>B</p>")

        new = migrate_to([("newsletters", "0011_story_paragraphs")])
        Story = new.get_model("newsletters", "Story")
        typed = Story.objects.get(pk=typed.pk)
        assert typed.body_en == "<p>New trams arrive.</p>\n<p>They are quieter.</p>"
        assert typed.body_hu == "<p>Új villamosok.</p>\n<p>Csendesebbek.</p>"
        assert typed.body == "First."
        html = Story.objects.get(pk=html.pk)
        assert (html.body_en, html.body_hu) == ("<p>A</p><p>B</p>", None)
    finally:
        migrate_to_latest()
