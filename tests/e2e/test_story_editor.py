"""Writing a story in a real browser, in each language (issue 13, item 10): two paragraphs and a
list made with the toolbar, previewed (htmx swaps in the server's preview), then saved; the
paragraphs and the list survive all the way. The page's scripts run under the app's CSP."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from newsletters.models import Story

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = "Trams arrive in May.\n\nThey are quieter.\n\nLine one\nLine two"


def _select(textarea, text: str) -> None:  # type: ignore[no-untyped-def]
    textarea.evaluate(
        "(el, text) => { const i = el.value.indexOf(text); el.focus();"
        " el.setSelectionRange(i, i + text.length); }",
        text,
    )


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_write_preview_and_save_a_story(page, live_server, login, staff_user, lang, t):
    login(page, live_server, "staff")
    page.goto(reverse("newsletters:story_list"))
    page.get_by_role("link", name=t("New story")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New story"))
    assert_page_in(page, lang)

    page.locator(f"#id_title_{lang}").fill("Trams")
    page.locator("#id_month").fill("2026-05")
    body = page.locator(f"#id_body_{lang}")
    body.fill(TYPED)
    toolbar = page.get_by_role("toolbar", name=t("Formatting")).and_(
        page.locator(f'[aria-controls="id_body_{lang}"]')
    )
    _select(body, "quieter")
    toolbar.get_by_role("button", name=t("Bold")).click()
    _select(body, "Line one\nLine two")
    toolbar.get_by_role("button", name=t("List")).click()
    expect(body).to_have_value(
        "Trams arrive in May.\n\nThey are <strong>quieter</strong>.\n\n"
        "<ul>\n<li>Line one</li>\n<li>Line two</li>\n</ul>\n\n"
    )

    page.get_by_role("button", name=t("Preview")).click()
    preview = page.locator(f'#story-preview article[lang="{lang}"]')
    expect(preview.get_by_role("heading", level=3)).to_contain_text("Trams")
    expect(preview.locator("[data-preview=html] > p")).to_have_text(
        ["Trams arrive in May.", "They are quieter."]
    )
    expect(preview.locator("[data-preview=html] strong")).to_have_text("quieter")
    expect(preview.locator("[data-preview=html] li")).to_have_text(["Line one", "Line two"])
    expect(preview.locator("[data-preview=text]")).to_have_text(
        "Trams arrive in May.\n\nThey are quieter.\n\n- Line one\n- Line two"
    )
    assert not Story.objects.exists()  # a preview saves nothing
    assert_page_in(page, lang)

    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Stories"))
    expect(page.get_by_role("cell", name="Trams", exact=True)).to_be_visible()
    stored = getattr(Story.objects.get(), f"body_{lang}")
    assert stored == (
        "<p>Trams arrive in May.</p>\n<p>They are <strong>quieter</strong>.</p>\n"
        "<ul>\n<li>Line one</li>\n<li>Line two</li>\n</ul>"
    )
    assert page.console_errors == []  # type: ignore[attr-defined]
