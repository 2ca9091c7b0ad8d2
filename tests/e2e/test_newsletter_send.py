"""Staff journey: send an approved edition and watch the progress bar reach the end.

Tasks run eagerly here, so "Send now" finishes inside the request; the second test drives the
htmx polling itself: the bar moves while the page stays open, then stops polling once sent.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from newsletters.models import Delivery, Edition
from newsletters.sending.start import edition_send
from tests.newsletters.factories import EditionFactory, EditionItemFactory, SubscriberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REDIS_URL = ""
    settings.NEWSLETTER_RATE_PER_SECOND = 10_000


@pytest.fixture
def approved():
    edition = EditionFactory(status=Edition.Status.APPROVED, title="Budapest in the world")
    EditionItemFactory(edition=edition, title="A new sister city")
    return edition


def test_send_now_after_confirming_and_see_the_finished_bar(
    page, live_server, login, staff_user, approved
):
    SubscriberFactory.create_batch(5)
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{approved.get_absolute_url()}")
    panel = page.get_by_role("region", name="Sending")
    panel.get_by_text("5 active subscribers will receive it.").wait_for()

    panel.get_by_role("button", name="Send now…").click()
    dialog = page.get_by_role("dialog", name="Send this edition now?")
    dialog.get_by_text("This cannot be undone.").wait_for()
    dialog.get_by_role("button", name="Yes, send it now").click()

    page.get_by_text("Sending started: 5 subscribers are queued.").wait_for()
    bar = page.get_by_role("progressbar", name="Sending progress")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert bar.inner_text().strip() == "100%"
    page.locator("[data-state=sent]").wait_for()
    assert page.locator("[data-count=sent]").inner_text() == "5"
    assert len(mail.outbox) == 5
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_progress_bar_follows_the_send_until_it_is_done(
    page, live_server, login, staff_user, approved, monkeypatch
):
    SubscriberFactory.create_batch(4)
    # Queue the deliveries but keep the batches from running: the page shows a send under way.
    monkeypatch.setattr("newsletters.sending.start.enqueue_batches", lambda *args: None)
    edition_send(edition=approved)
    monkeypatch.undo()

    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{approved.get_absolute_url()}")
    bar = page.get_by_role("progressbar", name="Sending progress")
    assert bar.get_attribute("aria-valuenow") == "0"
    page.locator("[data-state=sending]").wait_for()

    half = list(Delivery.objects.filter(edition=approved).order_by("pk")[:2])
    Delivery.objects.filter(pk__in=[d.pk for d in half]).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    # htmx polls every 2 s: the bar moves while the page stays open (no reload).
    page.locator("[role=progressbar][aria-valuenow='50']").wait_for()
    Delivery.objects.filter(edition=approved).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    Edition.objects.filter(pk=approved.pk).update(
        status=Edition.Status.SENT, sent_at=timezone.now()
    )
    page.locator("[data-state=sent]").wait_for()
    assert (
        page.get_by_role("progressbar", name="Sending progress").get_attribute("aria-valuenow")
        == "100"
    )
    # Once sent, the partial has no polling trigger left.
    assert page.locator("#edition-progress[hx-trigger]").count() == 0
    assert page.console_errors == []  # type: ignore[attr-defined]
