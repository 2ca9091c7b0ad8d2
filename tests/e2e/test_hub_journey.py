"""Preparing a call from a partnership's hub: a staff member opens Vienna's partnership and finds,
on one page, the agreements (the expired and the expiring one marked), the mayor, the visits
both ways, projects, shared networks, gifts, newsletter mentions and recent interactions; then
follows "Add agreement" and finds the form prefilled with the partnership. In English and in
Hungarian, at desktop and at phone width (390 px, nothing scrolls sideways)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.hub_data import partnership_hub

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _panel(page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#panel-{key}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "hu"])
def test_preparing_a_call_from_a_partnership_hub(
    page, live_server, login, staff_user, lang, t, width
):
    hub = partnership_hub()
    p = hub.partnership
    if width == "phone":
        page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{p.get_absolute_url()}")
    assert_page_in(page, lang)

    agreements = _panel(page, "agreements")
    expect(agreements.get_by_role("heading", level=2)).to_contain_text(t("Agreements"))
    expect(agreements).to_contain_text(hub.expired_agreement)
    expect(agreements).to_contain_text(hub.expiring_agreement)
    expect(agreements.locator(".badge", has_text=t("Expired"))).to_be_visible()
    expect(agreements.locator(".badge", has_text=t("Expiring soon"))).to_be_visible()
    people = _panel(page, "people")
    expect(people).to_contain_text("Mayor of Vienna")
    expect(people).to_contain_text(hub.mayor_name)
    visits = _panel(page, "visits")
    expect(visits).to_contain_text(hub.coming_visit)
    expect(visits).to_contain_text(hub.past_visit)
    expect(_panel(page, "projects")).to_contain_text(hub.project)
    expect(_panel(page, "networks")).to_contain_text(hub.network)
    expect(_panel(page, "gifts")).to_contain_text(hub.gift)
    expect(_panel(page, "newsletters")).to_contain_text(hub.newsletter_item)
    expect(_panel(page, "interactions")).to_contain_text(hub.interaction)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    # The cards are on the page, not behind a tab; the timeline and history tabs stay.
    expect(page.get_by_role("tab", name=t("Timeline"))).to_be_visible()
    expect(page.get_by_role("tab", name=t("History"))).to_be_visible()

    agreements.get_by_role("link", name=t("Add agreement")).click()
    expect(page).to_have_url(re.compile(rf"/partners/agreements/new/\?partnership={p.pk}$"))
    # The partnership field is a picker (item 5): the hub's partnership comes already chosen.
    # (picker.js turns the ticked radio into a chip with a hidden input: either way, one value.)
    expect(page.locator(f'[data-picker] input[name="partnership"][value="{p.pk}"]')).to_have_count(
        1
    )
    assert_page_in(page, lang)
