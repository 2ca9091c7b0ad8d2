"""The map shows city names as text: a name that looks like markup is never run or rendered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import CityFactory, PartnershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=\"document.body.dataset.xss='ran'\">Evil<b>town</b>"


def test_a_city_name_with_markup_shows_as_text_in_tooltip_and_popup(
    page, live_server, login, staff_user, settings
):
    settings.MAP_TILE_URL = ""  # offline: markers on a plain background
    city = CityFactory(
        name=HOSTILE, country="AT", latitude=Decimal("47.5"), longitude=Decimal("19")
    )
    partnership = PartnershipFactory(city=city)
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/partners/map/")
    marker = page.locator(f"#partner-map path.map-marker--p{partnership.pk}")
    expect(marker).to_have_count(1)

    marker.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(HOSTILE)
    expect(tooltip.locator("img, b")).to_have_count(0)

    marker.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(HOSTILE)
    expect(popup.locator("img, b")).to_have_count(0)

    assert page.locator("body").get_attribute("data-xss") is None
    assert page.locator("#partner-map img[src='x']").count() == 0
    assert page.console_errors == []  # no request for "x", no CSP report of an inline handler


def test_the_maps_own_controls_speak_the_readers_language(
    browser, page, live_server, login, staff_user, settings
):
    settings.MAP_TILE_URL = ""
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/partners/map/")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
    # The same session in a browser set to Hungarian.
    context = browser.new_context(base_url=live_server.url, locale="hu-HU")
    context.add_cookies(page.context.cookies())
    hungarian = context.new_page()
    hungarian.goto(f"{live_server.url}/partners/map/")
    expect(hungarian.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Nagyítás")
    expect(hungarian.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Kicsinyítés")
    expect(
        hungarian.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")
    ).to_have_attribute("title", "JavaScript-könyvtár interaktív térképekhez")
    context.close()
    assert page.console_errors == []
