"""A foreign participant's journey in a real browser: register for an Academy of City
Diplomacy course, confirm from the email, cancel; the first person on the waitlist then moves
up and is emailed. In English and in Hungarian (every page and email wholly in that language)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from delegations.models import Registration
from tests.delegations.factories import EventFactory, EventSessionFactory, RegistrationFactory

from .untranslated import assert_email_in, assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url  # links in emails point at the test server
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_register_confirm_cancel_and_the_waitlist_moves_up(page, live_server, lang, t):
    course = EventFactory(capacity=2, cohort="2027 spring")
    EventSessionFactory(event=course)
    RegistrationFactory(event=course)  # one seat is taken

    page.goto(course.get_public_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        course.title_hu if lang == "hu" else course.title_en
    )
    assert_page_in(page, lang)
    page.get_by_label(t("Full name")).fill("Lena Hofer")
    page.get_by_label(t("Email address")).fill("lena.hofer@mail.example")
    page.get_by_label(t("Organisation")).fill("Stadt Graz")
    page.get_by_label(t("Country")).select_option("AT")
    page.locator("input[name=sessions]").first.check()
    page.get_by_label(t("Language of our emails")).select_option(lang)
    page.locator("#id_consent").check()
    page.get_by_role("button", name=t("Register"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check your inbox"))
    assert_page_in(page, lang)

    # The email, in the participant's language: its link opens a page with one button.
    assert_email_in(page, mail.outbox[-1], lang)
    link = re.search(r"https?://\S+/public/registration/confirm/\S+/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(link.group(0))
    assert_page_in(page, lang)
    page.get_by_role("button", name=t("Confirm my registration")).click()
    expect(page.locator("#registration-status")).to_contain_text(t("Your seat is confirmed."))
    assert_page_in(page, lang)
    confirmed = mail.outbox[-1]
    assert confirmed.attachments and confirmed.attachments[0][0] == "event.ics"
    assert_email_in(page, confirmed, lang)

    # The course is full now: the next person waits.
    waiting = RegistrationFactory(
        event=course, status="waitlisted", confirmed_at=None, language=lang
    )
    waiting.waitlisted_at = waiting.created_at
    waiting.save(update_fields=["waitlisted_at"])

    # The box confirms it: a slip of the finger gives no seat away.
    page.get_by_label(t("Yes, I cannot come: give my seat away.")).check()
    page.get_by_role("button", name=t("Cancel my registration")).click()
    expect(page.locator("#registration-status")).to_contain_text(
        t("Your registration is cancelled.")
    )
    assert_page_in(page, lang)
    assert Registration.objects.get(email="lena.hofer@mail.example").status == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    moved = mail.outbox[-1]
    assert moved.to == [waiting.email] and moved.attachments
    assert_email_in(page, moved, lang)
    assert page.console_errors == []
