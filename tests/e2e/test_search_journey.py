"""Global search in a real browser: "/" focuses the search box, "krakow" (no accent) finds
Kraków under Cities, and "show all" opens the city list filtered the same way. In English and
in Hungarian, where the city is shown by its Hungarian name (Krakkó)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import CityFactory, PartnershipFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_slash_krakow_and_show_all(page, live_server, login, staff_user, lang, t):
    krakow = CityFactory(name="Kraków", name_hu="Krakkó", country="PL")
    PartnershipFactory(city=krakow)
    CityFactory(name="Krems", country="AT")
    with translation.override(lang):
        shown = str(krakow)  # "Kraków, Poland" / "Krakkó, Lengyelország"
        name = krakow.display_name  # "Kraków" / "Krakkó"

    login(page, live_server, "staff")
    box = page.locator("#global-search")
    expect(box).to_have_attribute("placeholder", t("Search everything (press /)"))
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the "/" moved the focus; it was not typed
    box.press_sequentially("krakow", delay=20)
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=krakow$"))
    cities = page.locator("#results-cities")
    expect(cities.get_by_role("heading", level=2)).to_contain_text(t("Cities"))
    expect(cities.get_by_role("link", name=shown)).to_be_visible()
    expect(page.locator("#results-partnerships")).to_contain_text(shown)
    expect(page.locator("main")).not_to_contain_text("Krems")
    assert_page_in(page, lang)

    # On the search page "/" goes to its own box, and typing "/" in a field stays a character.
    page.locator("main h1").click()
    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.press("End")  # "/" selected the query, ready to be replaced
    page.keyboard.type(" a/b")
    expect(page.locator("#q")).to_have_value("krakow a/b")

    cities.locator("[data-show-all=cities]").click()
    expect(page).to_have_url(re.compile(r"/partners/cities/\?q=krakow$"))
    expect(page.locator("main table").get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Krems")
    assert_page_in(page, lang)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_slash_opens_the_folded_menu_on_a_phone(page, live_server, login, staff_user):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, live_server, "staff")
    box = page.locator("#global-search")
    expect(box).to_be_hidden()  # in the collapsed menu
    page.keyboard.press("/")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
