"""The delegations journey in a real browser: a staff member plans a visit (participants and an
itinerary) and submits it; the mayor's office approves it from the review queue with a comment
(htmx, no page load); the staff member sees the decision and downloads the briefing book.

The journey runs in English and in Hungarian (the browser's language): every page on the way
must be wholly in that language (tests/e2e/untranslated.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from delegations.models import Visit
from tests.delegations.factories import VisitFactory
from tests.factories import CityFactory, ContactFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _open_delegations_menu(page, item: str) -> None:
    page.locator("#nav-delegations").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name=item, exact=True).click()


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_staff_plans_a_visit_and_the_mayor_approves_it(
    page, live_server, login, staff_user, mayor_user, lang, t
):
    vienna = CityFactory(name="Vienna")
    guest = ContactFactory(first_name="Michael", last_name="Ludwig")
    start = dt.date.today() + dt.timedelta(days=30)
    VisitFactory(
        title="Vienna tram expo",
        status=Visit.Status.APPROVED,
        start_date=start,
        end_date=start,
        cities=[vienna],
    )

    # --- staff: plan the visit -----------------------------------------------------------------
    login(page, live_server, "staff")
    assert_page_in(page, lang)  # the dashboard
    _open_delegations_menu(page, t("Visits"))
    assert_page_in(page, lang)
    page.get_by_role("link", name=t("New visit")).click()
    assert_page_in(page, lang)
    page.locator("#id_direction").select_option("incoming")
    page.locator("#id_title").fill("Vienna mayor's visit")
    page.locator("#id_purpose").fill("Sign the tram cooperation memorandum.")
    page.locator("#id_level").select_option("mayor")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=1)).isoformat())
    page.locator("#id_cities").press_sequentially("Vienna", delay=30)  # the city picker
    page.get_by_role("option", name=re.compile("Vienna")).first.click()
    # A warning, not a block: the overlap in Vienna shows up as the form is filled in (htmx).
    expect(page.locator("#visit-conflicts")).to_contain_text("Vienna tram expo")
    page.locator("#id_budget").fill("2500")
    assert_page_in(page, lang)  # with the conflict warning swapped in
    page.locator("#main form[method=post]").get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vienna mayor's visit")
    expect(
        page.get_by_text(t("Visit “%(title)s” created as a draft.", title="Vienna mayor's visit"))
    ).to_be_visible()
    expect(
        page.get_by_text(
            t(
                "“%(visit)s” is in %(city)s at the same time.",
                visit="Vienna tram expo",
                city="Vienna",
            )
        )
    ).to_be_visible()
    assert_page_in(page, lang)
    visit = Visit.objects.get(title="Vienna mayor's visit")

    page.get_by_role("link", name=t("Add participant")).click()
    assert_page_in(page, lang)
    page.locator("#id_contact").press_sequentially("Ludwig", delay=30)  # the contact picker
    page.get_by_role("option", name=re.compile("Michael Ludwig")).click()
    page.locator("#id_role").fill("Bürgermeister")
    page.locator("#id_precedence").fill("1")
    page.locator("#id_needs_interpreter").check()
    page.locator("#main form[method=post]").get_by_role("button", name=t("Save")).click()
    expect(page.locator("#participants")).to_contain_text(guest.full_name)
    assert_page_in(page, lang)

    page.get_by_role("link", name=t("Add agenda item")).click()
    page.locator("#id_date").fill((start + dt.timedelta(days=5)).isoformat())  # outside
    page.locator("#id_title").fill("Signing ceremony")
    page.locator("#main form[method=post]").get_by_role("button", name=t("Save")).click()
    expect(page.locator("#id_date")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert_page_in(page, lang)  # the form with its error
    page.locator("#id_date").fill((start + dt.timedelta(days=1)).isoformat())
    page.locator("#id_start_time").fill("11:00")
    page.locator("#id_venue").fill("City Hall, Budapest")
    page.locator("#main form[method=post]").get_by_role("button", name=t("Save")).click()
    expect(page.locator("#itinerary")).to_contain_text("Signing ceremony")

    page.get_by_role("button", name=t("Submit for review")).click()
    expect(page.locator("#main .alert-success")).to_be_visible()
    assert_page_in(page, lang)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED

    # --- mayor's office: approve from the review queue -----------------------------------------
    login(page, live_server, "mayor")
    assert_page_in(page, lang)
    _open_delegations_menu(page, t("Review queue"))
    card = page.locator(f"#queue-visit-{visit.pk}")
    expect(card).to_contain_text("Vienna mayor's visit")
    expect(card).to_contain_text(t("Possible conflicts"))
    assert_page_in(page, lang)
    url_before = page.url
    card.get_by_label(t("Comment")).fill("Approved; please brief the press office.")
    card.get_by_role("button", name=t("Approve")).click()
    expect(page.locator(f"#queue-visit-{visit.pk}")).to_contain_text(
        t("Decision recorded: %(status)s.", status=t("Approved"))
    )
    assert page.url == url_before  # swapped in place by htmx
    assert_page_in(page, lang)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.APPROVED

    # --- staff: sees the decision and downloads the briefing book ------------------------------
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{visit.get_absolute_url()}")
    expect(page.locator("#decisions")).to_contain_text(t("Approved"))
    expect(page.locator("#decisions")).to_contain_text("Approved; please brief the press office.")
    assert_page_in(page, lang)
    link = page.get_by_role("link", name=t("Briefing book (PDF)"))
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}?download=1")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert page.console_errors == []
