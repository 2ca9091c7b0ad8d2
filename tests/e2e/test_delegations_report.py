"""The post-visit report in a real browser: a staff member marks a follow-up task done in place (htmx, no
page load), records a gift from the visit page, writes the report and makes the visit public;
a citizen then finds the gift in the public register without its internal notes."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from delegations.models import Visit
from partners.models import Task
from tests.delegations.factories import VisitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_completes_the_report_and_the_gift_is_public(page, live_server, login, staff_user):
    today = dt.date.today()
    visit = VisitFactory(
        owner=None,
        title="Warsaw tram study visit",
        status=Visit.Status.COMPLETED,
        start_date=today - dt.timedelta(days=10),
        end_date=today - dt.timedelta(days=9),
    )
    follow_up = Task.objects.create(record=visit, title="Send the tram study")

    login(page, live_server, "staff")
    page.goto(visit.get_absolute_url())
    row = page.locator(f"#task-{follow_up.pk}")
    page.evaluate("() => { window.__noReload = true; }")
    row.get_by_role("button", name="Mark done").click()
    expect(
        page.locator(f"#task-{follow_up.pk}").get_by_role("button", name="Reopen")
    ).to_be_visible()
    # Swapped in place: the page was not reloaded.
    assert page.evaluate("() => window.__noReload === true")
    follow_up.refresh_from_db()
    assert follow_up.state == Task.State.DONE

    page.get_by_role("link", name="Record a gift").click()
    page.locator("#id_direction").select_option("received")
    page.locator("#id_description").fill("Amber model of the Old Town tram")
    page.locator("#id_value").fill("150")
    page.locator("#id_counterpart").fill("Mayor of Warsaw")
    page.locator("#id_notes").fill("Keep away from the window")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warsaw tram study visit")
    expect(page.locator("#report")).to_contain_text("Amber model of the Old Town tram")

    page.get_by_role("link", name="Write report").click()
    page.locator("#id_outcomes").fill("Warsaw shares its tram tender documents.")
    page.get_by_role("button", name="Save and mark report complete").click()
    expect(page.locator("#report")).to_contain_text("Report complete")

    page.get_by_role("link", name="Make public").click()
    page.locator("#id_is_public").check()
    page.locator("#id_public_summary").fill("Budapest learned from Warsaw's tram tender.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#report")).to_contain_text("Budapest learned from Warsaw's tram tender.")
    assert page.console_errors == []  # type: ignore[attr-defined]

    page.context.clear_cookies()
    page.goto(live_server.url + "/delegations/gifts/register/")
    expect(page.get_by_role("table")).to_contain_text("Amber model of the Old Town tram")
    expect(page.locator("main")).not_to_contain_text("Keep away from the window")
