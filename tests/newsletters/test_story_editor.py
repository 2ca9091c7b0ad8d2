"""Stories keep their paragraphs (issue 13, item 10): a blank line typed in the editor is a
paragraph in the preview, the stored text, the web version, and both parts of the email; the
preview shows the story unsaved, through the same cleaning, in each language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters.assembly import edition_assemble
from newsletters.models import Edition, Story
from newsletters.sending.message import render_edition

from .factories import StoryFactory

pytestmark = pytest.mark.django_db

TYPED_EN = "Trams arrive in May.\r\n\r\nThey are <strong>quieter</strong>.\r\n\r\n<ul>\r\n<li>Line 4</li>\r\n<li>Line 6</li>\r\n</ul>"
TYPED_HU = "Májusban jönnek a villamosok.\n\nCsendesebbek."
MONTH = dt.date(2026, 5, 1)


def _data(**changes: object) -> dict[str, object]:
    data = {
        "title_en": "New trams",
        "title_hu": "Új villamosok",
        "kind": "news",
        "month": "2026-05",
        "body_en": TYPED_EN,
        "body_hu": TYPED_HU,
        "image_alt_en": "",
    }
    data.update(changes)
    return data


def _paragraphs(html: str) -> list[str]:
    return re.findall(r"<p>(.*?)</p>", html, flags=re.S)


def _preview_html(page: str, language: str) -> str:
    article = page.split(f'<article class="card mb-3" lang="{language}"', 1)[1]
    return article.split('data-preview="html">', 1)[1].split("</div>", 1)[0]


def _preview_text(page: str, language: str) -> str:
    article = page.split(f'<article class="card mb-3" lang="{language}"', 1)[1]
    return article.split('data-preview="text">', 1)[1].split("</pre>", 1)[0]


def test_blank_lines_are_paragraphs_in_the_stored_text(staff_client):
    response = staff_client.post(reverse("newsletters:story_create"), _data())
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get()
    assert _paragraphs(story.body_en) == [
        "Trams arrive in May.",
        "They are <strong>quieter</strong>.",
    ]
    assert "<ul>\n<li>Line 4</li>\n<li>Line 6</li>\n</ul>" in story.body_en
    assert _paragraphs(story.body_hu) == ["Májusban jönnek a villamosok.", "Csendesebbek."]


def _sent_edition_with(story: Story) -> Edition:
    edition = edition_assemble(month=story.month)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT, sent_at=timezone.now())
    return Edition.objects.get(pk=edition.pk)


def test_two_paragraphs_stay_two_on_the_web_and_in_both_parts_of_the_email(client):
    story = StoryFactory(month=MONTH, title="New trams", body=TYPED_EN, body_hu=TYPED_HU)
    edition = _sent_edition_with(story)

    web = client.get(reverse("newsletters:edition_public", args=["2026-05"])).content.decode()
    assert (
        "<p>Trams arrive in May.</p>" in web and "<p>They are <strong>quieter</strong>.</p>" in web
    )
    assert "<li>Line 4</li>" in web

    _subject, text, html = render_edition(edition, language="en")
    assert "<p>Trams arrive in May.</p>" in html
    assert "<p>They are <strong>quieter</strong>.</p>" in html
    assert "Trams arrive in May.\n\nThey are quieter.\n\n- Line 4\n- Line 6" in text

    _subject, text, html = render_edition(edition, language="hu")
    assert "<p>Májusban jönnek a villamosok.</p>\n<p>Csendesebbek.</p>" in html
    assert "Májusban jönnek a villamosok.\n\nCsendesebbek." in text


def test_preview_shows_the_story_in_each_language_and_saves_nothing(staff_client):
    response = staff_client.post(reverse("newsletters:story_create"), _data(preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert not Story.objects.exists()
    assert _paragraphs(_preview_html(page, "en")) == [
        "Trams arrive in May.",
        "They are <strong>quieter</strong>.",
    ]
    assert "<li>Line 4</li>" in _preview_html(page, "en")
    assert (
        _preview_text(page, "en")
        == "Trams arrive in May.\n\nThey are quieter.\n\n- Line 4\n- Line 6"
    )
    assert _paragraphs(_preview_html(page, "hu")) == [
        "Májusban jönnek a villamosok.",
        "Csendesebbek.",
    ]
    assert "Trams arrive in May." in page.split("<textarea", 2)[1]  # the text stays in the form


def test_preview_strips_scripts_as_saving_does(staff_client):
    dirty = "Hello.\n\n<script>alert(1)</script><a href='javascript:x()' onclick='y()'>link</a>"
    response = staff_client.post(
        reverse("newsletters:story_create"), _data(body_en=dirty, body_hu="", preview="1")
    )
    preview = _preview_html(response.content.decode(), "en")
    assert _paragraphs(preview)[0] == "Hello."
    assert "alert" not in preview and "javascript" not in preview and "onclick" not in preview
    assert 'lang="hu"' not in response.content.decode().split('id="story-preview"', 1)[1]


def test_preview_of_an_existing_story_leaves_it_unchanged(staff_client):
    story = StoryFactory(body="<p>Old text.</p>")
    response = staff_client.post(
        reverse("newsletters:story_update", args=[story.pk]),
        _data(body_en="New one.\n\nNew two.", preview="1", version=story.version),
    )
    assert response.status_code == 200
    assert _paragraphs(_preview_html(response.content.decode(), "en")) == ["New one.", "New two."]
    story.refresh_from_db()
    assert story.body_en == "<p>Old text.</p>"


def test_the_form_has_the_toolbar_and_the_preview_button(staff_client):
    page = staff_client.get(reverse("newsletters:story_create")).content.decode()
    for code in ("en", "hu"):
        assert f'role="toolbar" aria-label="Formatting" aria-controls="id_body_{code}"' in page
    assert 'name="preview"' in page
    assert "js/story_editor.js" in page
    assert "<script>" not in page  # CSP: no inline script


def test_preview_needs_the_permission_to_write_stories(mayor_client):
    response = mayor_client.post(reverse("newsletters:story_create"), _data(preview="1"))
    assert response.status_code == 403
