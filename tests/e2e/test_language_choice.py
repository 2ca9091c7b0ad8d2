"""Choosing the language in a real browser (issue 12): a staff user switches to Hungarian from
the user menu, on a desktop and on a phone (where the navbar collapses behind its toggler), and
the choice survives logging out and in again, although the browser asks for English. A visitor
switches in the header, without JavaScript.

Screenshots of the open user menu in both languages at both widths go to ``$E2E_SCREENSHOTS``
(default: the test's temporary folder), for a person to look at, and of a visitor's header."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cityrelations.core.models import AccountSettings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _open_user_menu(page, user, phone: bool, label: str = "Language"):  # type: ignore[no-untyped-def]
    if phone:  # the navbar is collapsed: its toggler first
        page.locator(".navbar-toggler").click()
        expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # opened
    page.get_by_role("button", name=user.get_full_name()).click()
    menu = page.get_by_role("form", name=label)
    expect(menu).to_be_visible()
    return menu


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_staff_choose_hungarian_in_the_user_menu_and_keep_it(
    page, live_server, login, staff_user, viewport, tmp_path
):
    shots = Path(os.environ.get("E2E_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    phone = viewport is PHONE
    page.set_viewport_size(viewport)
    login(page, live_server, "staff")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")  # the browser's language (en-GB)

    menu = _open_user_menu(page, staff_user, phone)
    expect(menu.get_by_role("button", name="Browser's language")).to_have_attribute(
        "aria-current", "true"
    )
    page.screenshot(path=shots / f"user-menu-en-{viewport['width']}.png")
    menu.get_by_role("button", name="Magyar").click()

    expect(html).to_have_attribute("lang", "hu")
    expect(page.get_by_role("alert")).to_contain_text("Nyelv módosítva: magyar.")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Dashboard")
    assert AccountSettings.objects.get(user=staff_user).language == "hu"
    menu = _open_user_menu(page, staff_user, phone, label="Nyelv")
    expect(menu.get_by_role("button", name="Magyar")).to_have_attribute("aria-current", "true")
    page.screenshot(path=shots / f"user-menu-hu-{viewport['width']}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("button", name="Kijelentkezés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bejelentkezés")  # the cookie
    login(page, live_server, "staff")  # clears the cookies: the account alone remembers
    expect(html).to_have_attribute("lang", "hu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Irányítópult")
    assert page.console_errors == []


def test_a_visitor_switches_in_the_header_without_javascript(browser, live_server, tmp_path):
    shots = Path(os.environ.get("E2E_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="hu-HU", java_script_enabled=False
    )
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "hu")  # the browser's language
    switch = page.get_by_role("form", name="Nyelv")
    expect(switch).to_be_visible()
    page.screenshot(path=shots / "visitor-header-hu-390.png")
    switch.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.screenshot(path=shots / "visitor-header-en-390.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto("/newsletter/archive/")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # kept in the cookie
    context.close()
