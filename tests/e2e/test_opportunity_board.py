"""A business opportunity moves across the board to "won" in a real browser, in each language:
each move in place (htmx, no page load; by the card's form, and once by dragging it), "won"
asking for its reason on the card; then the board, its page and the list at phone width
(390 px): the columns stack, nothing scrolls sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cityrelations.core.models import AccountSettings
from partners.models import Opportunity
from tests.factories import OpportunityFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _move(page, card: str, stage: str, t) -> None:
    page.locator(f"{card} select[name=stage]").select_option(stage)
    page.locator(card).get_by_role("button", name=t("Move")).click()


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_an_opportunity_moves_across_the_board_to_won(
    page, live_server, login, staff_user, lang, t
):
    AccountSettings.objects.create(user=staff_user, language=lang)
    lead = OpportunityFactory(title="Battery cell plant", owner=staff_user)
    OpportunityFactory(title="Film studio", stage=Opportunity.Stage.MEETING)
    card = f"#card-{lead.pk}"

    login(page, live_server, "staff")
    page.goto(live_server.url + reverse("partners:opportunity_board"))
    assert_page_in(page, lang)
    expect(page.locator(f"#stage-identified {card}")).to_contain_text(lead.organization.name)
    page.evaluate("() => { window.__noReload = true; }")

    for stage in ("contacted", "meeting"):
        _move(page, card, stage, t)
        expect(page.locator(f"#stage-{stage} {card}")).to_be_visible()
    # Dragged to the next column (static/js/opportunity_board.js submits the same form).
    page.locator(card).drag_to(page.locator("#stage-proposal"))
    expect(page.locator(f"#stage-proposal {card}")).to_be_visible()

    _move(page, card, "won", t)
    reason = page.locator(f"#reason-{lead.pk}")
    expect(reason).to_be_visible()
    expect(page.locator(f"#stage-proposal {card}")).to_contain_text(
        t("Say why the opportunity was won.")
    )
    reason.fill("Chose Budapest for its skilled workforce.")
    page.locator(card).get_by_role("button", name=t("Move")).click()
    expect(page.locator(f"#stage-won {card}")).to_contain_text("skilled workforce")
    assert page.evaluate("() => window.__noReload === true")  # every move swapped in place
    lead.refresh_from_db()
    assert lead.stage == Opportunity.Stage.WON
    assert page.console_errors == []  # type: ignore[attr-defined]

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(f"#stage-won {card}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Its page records the stages it went through, with who moved it.
    page.locator(card).get_by_role("link", name="Battery cell plant").click()
    assert_page_in(page, lang)
    expect(page.locator("#pane-overview")).to_contain_text(t("Won"))
    page.goto(live_server.url + reverse("partners:opportunity_list") + "?stage=won")
    assert_page_in(page, lang)
    expect(page.locator("main table")).to_contain_text("Battery cell plant")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
