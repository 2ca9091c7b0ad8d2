"""The staff newsletter journey in a real browser: assemble last month's edition from public CRM
records and stories, reorder and drop items, preview the email (HTML and text), approve it.
(Sending and the progress bar are tested by the sending journey.)"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from delegations.models import Visit
from newsletters.assembly import previous_month
from newsletters.models import Edition
from tests.delegations.factories import VisitFactory
from tests.newsletters.factories import (
    EditionFactory,
    EditionItemFactory,
    StoryFactory,
    ensure_migration_data,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _migration_data():
    ensure_migration_data()


def test_assemble_preview_and_approve(page, live_server, login, staff_user, mayor_user):
    month = previous_month()
    VisitFactory(
        title="Mayor of Vienna in Budapest",
        public_summary="Talks on social housing and trams.",
        status=Visit.Status.COMPLETED,
        is_public=True,
        start_date=month + dt.timedelta(days=4),
        end_date=month + dt.timedelta(days=5),
    )
    StoryFactory(title="Green roofs on schools", month=month)
    StoryFactory(title="A story to drop", month=month)

    login(page, live_server, "staff")
    page.get_by_role("button", name="Newsletter", exact=True).click()
    page.locator(".dropdown-menu.show").get_by_role("link", name="Editions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter editions")
    expect(page.get_by_label("Month")).to_have_value(month.strftime("%Y-%m"))
    page.get_by_role("button", name="Assemble now").click()

    edition = Edition.objects.get(month=month)
    expect(page.get_by_role("heading", level=1)).to_have_text(edition.title)
    items = page.locator("article.card h3")
    expect(items).to_have_text(
        ["Green roofs on schools", "A story to drop", "Mayor of Vienna in Budapest"]
    )

    # Reorder: the visit goes first; drop a story.
    page.get_by_role("button", name="Move “Mayor of Vienna in Budapest” up").click()
    page.get_by_role("button", name="Move “Mayor of Vienna in Budapest” up").click()
    expect(items).to_have_text(
        ["Mayor of Vienna in Budapest", "Green roofs on schools", "A story to drop"]
    )
    page.get_by_role("button", name="Drop “A story to drop”").click()
    expect(items).to_have_text(["Mayor of Vienna in Budapest", "Green roofs on schools"])
    expect(page.get_by_role("heading", name="Dropped items")).to_be_visible()

    # Preview the email as subscribers would get it.
    preview = page.context.new_page()
    preview.goto(f"{live_server.url}/newsletter/editions/{edition.pk}/preview/?format=html")
    expect(preview.get_by_text("Mayor of Vienna in Budapest")).to_be_visible()
    expect(preview.get_by_text("A story to drop")).to_have_count(0)
    preview.goto(f"{live_server.url}/newsletter/editions/{edition.pk}/preview/?format=text")
    assert "Talks on social housing and trams." in preview.content()
    preview.close()

    # Approve (after the confirmation dialog): the visit's title and summary were typed in
    # English only and copied into the Hungarian item, so approving asks about them first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Approve “{edition.title}”?")
    expect(page.locator("[data-untranslated] li")).to_have_text(
        ["Item “Mayor of Vienna in Budapest”: title", "Item “Mayor of Vienna in Budapest”: text"]
    )
    page.get_by_role("button", name="Approve anyway").click()
    expect(page.get_by_text("is approved.")).to_be_visible()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED
    assert edition.approved_by == staff_user
    expect(page.get_by_role("button", name="Drop “Green roofs on schools”")).to_have_count(0)
    assert page.console_errors == []

    # The mayor's office reads it, with no edit buttons.
    login(page, live_server, "mayor")
    page.goto(f"{live_server.url}{edition.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(edition.title)
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Back to draft")).to_have_count(0)


def test_approving_with_a_missing_translation_asks_first(page, live_server, login, staff_user):
    """An item without its Hungarian text: approving lists it and changes nothing until the
    staff member chooses "Approve anyway"."""
    edition = EditionFactory(title="May news", title_hu="Májusi hírek")
    EditionItemFactory(edition=edition, title="New trams", title_hu="", body_hu="")

    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{edition.get_absolute_url()}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve").click()
    warning = page.locator("[data-missing-translations]")
    expect(warning).to_contain_text("Missing in Hungarian:")
    expect(warning.locator('ul[data-language="hu"] li')).to_have_text(
        ["Item “New trams”: title", "Item “New trams”: text"]
    )
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT

    page.get_by_role("button", name="Approve anyway").click()
    expect(page.get_by_text("is approved.")).to_be_visible()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED and edition.approved_by == staff_user
    assert page.console_errors == []
