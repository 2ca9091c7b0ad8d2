"""The calendar on a phone and the review queue's counter, in a real browser.

At 390 px the month grid gives way to an agenda: every day with visits, weekends included, each
visit with its status in words; declined visits appear only when asked for (a plain link). In the
review queue, a decision taken in place (htmx) brings the "awaiting review" counter down at once,
and the dashboard's count agrees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from playwright.sync_api import expect

from cityrelations.core.formats import format_weekday_date
from delegations.models import Visit
from tests.delegations.factories import VisitFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _next_saturday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_phone_calendar_is_an_agenda_with_status_words(
    page, live_server, login, mayor_user, staff_user, lang, t
):
    saturday = _next_saturday()
    VisitFactory(
        title="Saturday delegation from Graz",
        status=Visit.Status.APPROVED,
        start_date=saturday,
        end_date=saturday,
    )
    VisitFactory(
        title="Declined trip to Lyon",
        status=Visit.Status.DECLINED,
        start_date=saturday,
        end_date=saturday,
    )
    page.set_viewport_size(PHONE)
    login(page, live_server, "mayor")
    page.goto(f"{live_server.url}/delegations/calendar/?month={saturday:%Y-%m}")

    agenda = page.locator(".calendar-agenda")
    expect(agenda).to_be_visible()
    expect(page.locator("table.calendar-grid")).to_be_hidden()
    with translation.override(lang):
        day_heading = format_weekday_date(saturday)
    expect(agenda.get_by_role("heading", name=day_heading)).to_be_visible()
    chip = agenda.locator("a.calendar-visit", has_text="Saturday delegation from Graz")
    expect(chip).to_be_visible()
    expect(chip.locator(".calendar-visit-status")).to_have_text(t("Approved"))
    expect(agenda).not_to_contain_text("Declined trip to Lyon")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_page_in(page, lang)

    # Declined visits are one plain link away (no script needed) and say what they are.
    page.get_by_role("link", name=t("Show declined and cancelled visits")).click()
    declined = agenda.locator("a.calendar-visit", has_text="Declined trip to Lyon")
    expect(declined).to_be_visible()
    expect(declined.locator(".calendar-visit-status")).to_have_text(t("Declined"))
    expect(page.get_by_role("link", name=t("Hide declined and cancelled visits"))).to_be_visible()
    assert_page_in(page, lang)
    assert page.console_errors == []


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_review_queue_counter_follows_a_decision_in_place(
    page, live_server, login, mayor_user, lang, t
):
    first = VisitFactory(title="Delegation from Kraków", status=Visit.Status.SUBMITTED)
    VisitFactory(title="Delegation from Vilnius", status=Visit.Status.SUBMITTED)
    login(page, live_server, "mayor")
    page.goto(f"{live_server.url}/")
    expect(page.locator("#dashboard-awaiting-count")).to_have_text("2")
    page.goto(f"{live_server.url}/delegations/review/")
    counter = page.locator("#awaiting-count")
    expect(counter).to_have_text("2")
    url_before = page.url

    card = page.locator(f"#queue-visit-{first.pk}")
    card.get_by_role("button", name=t("Approve")).click()
    expect(card).to_contain_text(t("Decision recorded: %(status)s.", status=t("Approved")))
    expect(counter).to_have_text("1")
    assert page.url == url_before  # swapped in place, not reloaded
    assert_page_in(page, lang)

    page.goto(f"{live_server.url}/")
    expect(page.locator("#dashboard-awaiting-count")).to_have_text("1")
    assert page.console_errors == []
