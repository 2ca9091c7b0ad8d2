"""The partners journey in a real browser: a staff member adds Vienna from the gazetteer, makes it
a partner, logs a call, sees it on the timeline and on the map; the mayor's office then reads the
same partnership without any edit buttons.

The journey runs in English and in Hungarian (the browser's language): every page on the way
must be wholly in that language (tests/e2e/untranslated.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from partners.geo import search_cities
from partners.models import City, Interaction, Partnership

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_partners_menu(page, item: str) -> None:
    page.locator("#nav-partners").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name=item, exact=True).click()


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_staff_adds_a_partner_city_and_the_mayor_reads_it(
    page, live_server, login, staff_user, mayor_user, settings, lang, t
):
    settings.MAP_TILE_URL = ""  # offline: markers on a plain background
    search_cities("Vien")  # load the gazetteer once, as a running server would have done

    # --- staff: add Vienna through the gazetteer -----------------------------------------------
    login(page, live_server, "staff")
    _open_partners_menu(page, t("Cities"))
    assert_page_in(page, lang)
    page.get_by_role("link", name=t("Add a city")).click()
    page.get_by_label(t("Find a city in the gazetteer")).press_sequentially("Vien", delay=40)
    pick = page.locator("#city-suggestions [data-city-pick='2761369']")  # Vienna, Austria
    expect(pick).to_be_visible()  # arrived through htmx, no page load
    expect(pick).to_contain_text(f"Vienna, {t('Austria')}")  # the country in the reader's language
    assert_page_in(page, lang)
    pick.click()
    expect(page.locator("#id_name")).to_have_value("Vienna")
    expect(page.locator("#id_country")).to_have_value("AT")
    expect(page.locator("#id_timezone")).to_have_value("Europe/Vienna")
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^48\.2"))
    page.locator("#city-form").get_by_role("button", name=t("Save")).click()
    expect(page).to_have_url(re.compile(r"/partners/cities/\d+/$"))
    city = City.objects.get(name="Vienna", country="AT")
    with translation.override(lang):  # the city and its country as the reader sees them
        name, name_and_country = city.name, str(city)
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert_page_in(page, lang)
    assert city.geonames_id == 2761369 and city.population and city.population > 1_000_000

    # --- staff: make it a sister city ----------------------------------------------------------
    page.get_by_role("link", name=t("Add a partnership")).click()
    expect(page.locator("#main input[name=city]")).to_have_value(str(city.pk))
    assert_page_in(page, lang)
    page.locator("#id_level").select_option("sister")
    page.locator("#id_status").select_option("active")
    page.locator("#id_established_on").fill("2001-05-04")
    page.locator("#main form[method=post]").get_by_role("button", name=t("Save")).click()
    expect(
        page.get_by_text(t("The partnership with %(city)s was created.", city=name_and_country))
    ).to_be_visible()
    assert_page_in(page, lang)
    partnership = Partnership.objects.get(city=city)
    assert partnership.level == "sister"

    # --- staff: log a call through the interaction quick-add -----------------------------------
    page.get_by_role("link", name=t("Add interaction")).click()
    form = page.locator("#interaction-form")
    form.locator("#id_kind").select_option("call")
    form.locator("#id_subject").fill("Call with the Vienna city hall")
    form.locator("#id_summary").fill("Agreed to plan a youth exchange.")
    assert_page_in(page, lang)
    form.get_by_role("button", name=t("Save")).click()
    expect(page).to_have_url(re.compile(rf"/partners/partnerships/{partnership.pk}/$"))
    assert Interaction.objects.filter(partnership=partnership).count() == 1
    page.get_by_role("tab", name=re.compile(t("Timeline"))).click()
    timeline = page.locator("#pane-timeline")
    expect(timeline.get_by_text("Call with the Vienna city hall")).to_be_visible()
    expect(timeline.get_by_text("Agreed to plan a youth exchange.")).to_be_visible()
    assert_page_in(page, lang)

    # --- staff: Vienna is on the map -----------------------------------------------------------
    _open_partners_menu(page, t("Map"))
    marker = page.locator(f"#partner-map path.map-marker--p{partnership.pk}")
    expect(marker).to_have_count(1)
    expect(page.locator("#partner-map path.map-marker--home")).to_have_count(1)
    expect(page.locator("#partner-map")).to_have_attribute("data-marker-count", "1")
    marker.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name=name_and_country)).to_have_attribute(
        "href", partnership.get_absolute_url()
    )
    expect(page.get_by_role("table").get_by_role("link", name=name)).to_be_visible()
    assert_page_in(page, lang)  # the map's controls and its popup included
    assert page.console_errors == []  # no CSP violation, no script error

    # --- the mayor's office reads the same partnership, without edit buttons -------------------
    login(page, live_server, "mayor")
    _open_partners_menu(page, t("Partnerships"))
    assert_page_in(page, lang)
    page.get_by_role("table").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    main = page.locator("#main")
    for label in ("Edit", "Delete", "Add interaction", "Mark dormant"):
        expect(main.get_by_role("link", name=t(label), exact=True)).to_have_count(0)
        expect(main.get_by_role("button", name=t(label), exact=True)).to_have_count(0)
    page.get_by_role("tab", name=re.compile(t("Timeline"))).click()
    expect(
        page.locator("#pane-timeline").get_by_text("Call with the Vienna city hall")
    ).to_be_visible()
    assert_page_in(page, lang)
    assert page.console_errors == []
    response = page.goto(f"{live_server.url}/partners/partnerships/{partnership.pk}/edit/")
    assert response is not None and response.status == 403
    assert_page_in(page, lang)  # the refusal, too


def test_gazetteer_pick_works_without_javascript(browser, live_server, login, staff_user):
    search_cities("Vien")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, "staff")
        page.goto(f"{live_server.url}/partners/cities/new/")
        page.get_by_label("Find a city in the gazetteer").fill("Vien")
        page.get_by_role("button", name="Search").click()
        page.locator("#city-suggestions").get_by_text("Vienna, Austria").click()
        expect(page.locator("#id_name")).to_have_value("Vienna")
        expect(page.locator("#id_timezone")).to_have_value("Europe/Vienna")
        page.locator("#city-form").get_by_role("button", name="Save").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vienna")
        assert City.objects.filter(geonames_id=2761369).exists()
    finally:
        context.close()
