"""Bulk work on the partnership list in a real browser: tick two partnerships, make them
dormant through the confirmation page, then save "dormant ones" as a view and reopen it from the
list's sidebar. In English and in Hungarian (every page wholly in that language)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cityrelations.core.models import SavedView
from partners.models import Partnership
from tests.factories import CityFactory, PartnershipFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Status = Partnership.Status


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_bulk_status_change_then_a_saved_view(page, live_server, login, staff_user, lang, t):
    for name in ("Vienna", "Lyon", "Kyoto"):
        PartnershipFactory(city=CityFactory(name=name), status=Status.ACTIVE)

    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/partners/")
    assert_page_in(page, lang)
    bar = page.locator("[data-bulk-bar]")
    expect(bar).to_be_hidden()  # nothing selected yet
    page.get_by_label(t("Select %(name)s", name="Vienna")).check()
    page.get_by_label(t("Select %(name)s", name="Lyon")).check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text(t("Selected: %(n)s", n=2))
    bar.get_by_label(t("With the selected rows")).select_option("status")
    expect(bar.get_by_label(t("Coordinator"))).to_be_hidden()  # not needed by this action
    bar.get_by_label(t("New status")).select_option("dormant")
    bar.get_by_role("button", name=t("Go")).click()

    # The confirmation page says what will change; nothing has changed yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Change the status"))
    changes = page.locator("table tbody tr")
    expect(changes).to_have_count(2)
    expect(changes.first).to_contain_text(t("Active"))
    expect(changes.first).to_contain_text(t("Dormant"))
    assert_page_in(page, lang)
    assert set(Partnership.objects.values_list("status", flat=True)) == {Status.ACTIVE}
    page.locator("#main form[method=post] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/partners/$"))
    expect(page.get_by_role("alert").first).to_contain_text(t("Change the status"))
    assert_page_in(page, lang)
    statuses = dict(Partnership.objects.values_list("city__name", "status"))
    assert statuses == {"Vienna": Status.DORMANT, "Lyon": Status.DORMANT, "Kyoto": Status.ACTIVE}

    # --- save "dormant ones" as a view, then reopen it from the sidebar ------------------------
    page.locator("#id_status").select_option("dormant")
    page.get_by_role("search").get_by_role("button", name=t("Filter")).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.locator("summary", has_text=t("Saved views")).click()
    page.get_by_label(t("Save these filters and sort as")).fill(t("Dormant"))
    page.get_by_role("button", name=t("Save view")).click()
    expect(page.get_by_text(t("The view “%(name)s” was saved.", name=t("Dormant")))).to_be_visible()
    assert SavedView.objects.get(user=staff_user).query == "status=dormant"

    page.goto(f"{live_server.url}/partners/")  # all three again
    expect(page.locator("tbody tr")).to_have_count(3)
    page.locator("summary", has_text=t("Saved views")).click()
    page.locator(".saved-views").get_by_role("link", name=t("Dormant"), exact=True).click()
    expect(page).to_have_url(re.compile(r"status=dormant"))
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator('.saved-views [aria-current="page"]')).to_have_text(t("Dormant"))
    assert_page_in(page, lang)
    assert not page.console_errors
