"""At phone width (390 px) the pages issue 10 added or changed fit the screen: nothing makes the
whole page scroll sideways (a wide table scrolls inside its own box)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from newsletters.models import Suppression, email_hash
from partners.models import FeePayment
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth")


def test_new_staff_pages_fit_a_phone(page, live_server, login, staff_user, settings):
    settings.EMAIL_BACKEND = "cityrelations.mailbox.MailboxBackend"
    membership = MembershipFactory(
        role="Full member with a long tier name", annual_fee=Decimal("15000")
    )
    FeePayment.objects.create(
        membership=membership,
        paid_on=dt.date(2026, 12, 1),
        amount=Decimal("15000"),
        currency="EUR",
        reference="INV-2026-000123456789",
        recorded_by=staff_user,
    )
    Suppression.objects.create(
        email_hash=email_hash("bounced.citizen@example.org"), reason=Suppression.Reason.BOUNCED
    )
    with mail.get_connection() as connection:
        EmailMessage(
            "A rather long subject line for a newsletter confirmation message",
            "Body",
            to=["a.very.long.citizen.address@example.org"],
            connection=connection,
        ).send()

    page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    for path in (
        "/partners/memberships/",
        f"/partners/memberships/{membership.pk}/",
        "/newsletter/subscribers/suppressed/",
        "/mailbox/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("h1").first.is_visible(), path
        assert _page_width(page) <= PHONE["width"], f"{path} scrolls sideways at 390 px"
