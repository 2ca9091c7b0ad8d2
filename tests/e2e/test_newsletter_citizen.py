"""The citizen's newsletter journey in a real browser: subscribe, open the confirmation link from
the email, confirm, change preferences, unsubscribe; and the one-click unsubscribe that a mail
program sends without any cookie.

The journey runs in English and in Hungarian (the browser's language): every page on the way
must be wholly in the language it is in (tests/e2e/untranslated.py)."""

from __future__ import annotations

import re
import urllib.request

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from newsletters.models import Subscriber, Suppression, email_hash
from newsletters.tokens import unsubscribe_url
from tests.newsletters.factories import SubscriberFactory, ThemeFactory, ensure_migration_data

from .untranslated import assert_email_in, assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url  # links in emails point at the test server
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ensure_migration_data()
    mail.outbox = []


def _link(pattern: str) -> str:
    assert mail.outbox, "no email was sent"
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_subscribe_confirm_change_preferences_and_unsubscribe(page, live_server, lang, t):
    topic = ThemeFactory()
    other = "hu" if lang == "en" else "en"

    def t_other(message: str) -> str:
        with translation.override(other):
            return translation.gettext(message)

    # Subscribe, in the browser's language.
    page.goto(f"{live_server.url}/accounts/login/")
    assert_page_in(page, lang)
    page.get_by_role("link", name=t("Subscribe to our monthly newsletter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Subscribe to our monthly newsletter")
    )
    assert_page_in(page, lang)
    page.get_by_label(t("Email address")).fill("citizen@mail.example")
    page.get_by_label(t("Name (optional)")).fill("Kovács Anna")
    page.get_by_label(topic.name, exact=True).check()
    page.get_by_label(t("I agree to the statement above.")).check()
    page.get_by_role("button", name=t("Subscribe"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your inbox"))
    assert_page_in(page, lang)
    subscriber = Subscriber.objects.get(email="citizen@mail.example")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.language == lang

    # The email is in the reader's language too; open its link: a page with one button;
    # pressing it confirms.
    assert_email_in(page, mail.outbox[-1], lang)
    page.goto(_link(r"https?://\S+/newsletter/confirm/\S+/"))
    assert_page_in(page, lang)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING  # opening alone changes nothing
    page.get_by_role("button", name=t("Confirm my subscription")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Thank you, your subscription is confirmed")
    )
    assert_page_in(page, lang)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE

    # Preferences: the other language, no topics.
    page.get_by_role("link", name=t("Manage your preferences")).click()
    assert_page_in(page, lang)
    page.get_by_label(t("Language of the newsletter")).select_option(other)
    page.get_by_label(topic.name, exact=True).uncheck()
    page.get_by_role("button", name=t("Save preferences")).click()
    # The pages now speak the subscriber's new language.
    expect(page.get_by_text(t_other("Your preferences are saved."))).to_be_visible()
    assert_page_in(page, other)
    subscriber.refresh_from_db()
    assert subscriber.language == other
    assert not subscriber.topics.exists()

    # Unsubscribe with one button.
    page.get_by_role("link", name=t_other("Unsubscribe"), exact=True).click()
    assert_page_in(page, other)
    page.get_by_role("button", name=t_other("Unsubscribe")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t_other("You are unsubscribed"))
    assert_page_in(page, other)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert Suppression.objects.filter(email_hash=email_hash("citizen@mail.example")).exists()
    assert page.console_errors == []


def test_one_click_unsubscribe_without_cookies(live_server, settings):
    subscriber = SubscriberFactory(email="oneclick@mail.example")
    request = urllib.request.Request(
        unsubscribe_url(subscriber),
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_the_public_pages_switch_to_hungarian(page, live_server):
    page.goto(f"{live_server.url}/newsletter/subscribe/")
    page.get_by_role("form", name="Language").get_by_role("button", name="Magyar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iratkozzon fel havi hírlevelünkre")
    assert page.console_errors == []
