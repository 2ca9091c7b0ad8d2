"""Two tabs on the same partnership's edit form, in a real browser: the first save wins, the
second is refused with what changed meanwhile and keeps its input; saving again applies it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_second_tab_sees_the_conflict_and_reapplies_its_change(
    page, live_server, login, staff_user
):
    partnership = PartnershipFactory(summary="Twinned since 1990.", notes="")
    edit_url = reverse("partners:partnership_update", args=[partnership.pk])
    login(page, live_server, "staff")
    first_tab = page
    second_tab = page.context.new_page()  # same session, as a second tab
    first_tab.goto(edit_url)
    second_tab.goto(edit_url)

    first_tab.get_by_label("Summary").fill("Tram know-how exchange.")
    first_tab.locator("#main form[method=post]").get_by_role("button", name="Save").click()
    expect(first_tab.get_by_text("The partnership was saved.")).to_be_visible()

    second_tab.get_by_label("Notes").fill("Call them in May.")
    second_tab.locator("#main form[method=post]").get_by_role("button", name="Save").click()

    # The error summary (item 5) states it at the top of the form, once, focused for a screen
    # reader; the form's own list of problems repeats it below the summary.
    conflict = second_tab.locator("[data-error-summary] [data-version-conflict]")
    expect(conflict).to_contain_text("Someone else saved this record")
    expect(conflict).to_have_count(1)
    expect(second_tab.get_by_text("now “Tram know-how exchange.”").first).to_be_visible()
    partnership.refresh_from_db()
    assert (partnership.summary, partnership.notes) == ("Tram know-how exchange.", "")
    # The user's note is kept, on top of the colleague's summary.
    expect(second_tab.get_by_label("Notes")).to_have_value("Call them in May.")
    expect(second_tab.get_by_label("Summary")).to_have_value("Tram know-how exchange.")

    second_tab.locator("#main form[method=post]").get_by_role("button", name="Save").click()
    expect(second_tab.get_by_text("The partnership was saved.")).to_be_visible()
    partnership = Partnership.objects.get(pk=partnership.pk)
    assert (partnership.summary, partnership.notes) == (
        "Tram know-how exchange.",
        "Call them in May.",
    )
    assert not first_tab.console_errors  # type: ignore[attr-defined]
