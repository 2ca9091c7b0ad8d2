"""The demo's mail journey in a real browser (``make run``: debug mode, the local mailbox): a
citizen subscribes, the diplomacy unit reads the confirmation the citizen received and follows
its link; the mayor's office sees none of it, not even by the message's address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from newsletters.models import Subscriber
from tests.newsletters.factories import ensure_migration_data
from tests.urlconf_support import load_urlconf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _embedded_mode(settings, monkeypatch, live_server):
    load_urlconf(
        settings, monkeypatch, DEBUG=True, EMAIL_BACKEND="cityrelations.mailbox.MailboxBackend"
    )
    settings.SITE_URL = live_server.url  # links in emails point at the test server
    ensure_migration_data()


def test_staff_read_a_citizens_confirmation_and_the_mayors_office_does_not(
    page, live_server, login, staff_user, mayor_user
):
    page.goto(f"{live_server.url}/newsletter/subscribe/")
    page.get_by_label("Email address").fill("citizen@mail.example")
    page.get_by_label("I agree to the statement above.").check()
    page.get_by_role("button", name="Subscribe", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/mailbox/")
    row = page.get_by_role("row").filter(has_text="citizen@mail.example")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    message_url = page.url
    confirm_link = page.get_by_role("link").filter(has_text="/newsletter/confirm/").first
    confirm_link.click()
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your subscription is confirmed"
    )
    assert Subscriber.objects.get(email="citizen@mail.example").status == "active"

    login(page, live_server, "mayor")
    page.goto(f"{live_server.url}/mailbox/")
    expect(page.get_by_text("No messages yet.")).to_be_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]
    response = page.goto(message_url)  # the browser logs this 404 as a console error
    assert response is not None and response.status == 404
