"""At phone width (390 px) the pages issue 10 added or changed fit the screen: nothing makes the
whole page scroll sideways (a wide table scrolls inside its own box)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from cityrelations.core.models import AccountSettings
from newsletters.models import Suppression, email_hash
from partners.models import FeePayment, Office
from tests.delegations.factories import LogisticsItemFactory, VisitFactory
from tests.factories import ContactFactory, MembershipFactory
from tests.newsletters.factories import EditionFactory, EditionItemFactory

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


def test_hungarian_pages_fit_a_phone(page, live_server, login, staff_user):
    """Hungarian dates and labels are longer than English ones ("lejárt határidejű: 2026.
    december 2.", "Kihagyás", "Exportálás XLSX-be"): a walk-through found the dashboard, a
    visit's logistics checklist, an edition's items, the subscriber list, a contact's offices and
    an organisation's membership buttons wider than a phone."""
    AccountSettings.objects.create(user=staff_user, language="hu")
    today = dt.date.today()
    fee_due = MembershipFactory(fee_due_on=today - dt.timedelta(days=5))
    contact = ContactFactory()
    Office.objects.create(contact=contact, title="Mayor of Lisbon", started_on=dt.date(2019, 9, 1))
    MembershipFactory(next_report_due_on=today - dt.timedelta(days=5))
    visit = VisitFactory(start_date=today + dt.timedelta(days=3))
    LogisticsItemFactory(visit=visit, due_on=today - dt.timedelta(days=2), owner=staff_user)
    edition = EditionFactory()
    for title in ("Fákkal hűtött város", "Digitális iker", "Budapest csatlakozik"):
        EditionItemFactory(edition=edition, title_hu=title)

    page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    for path in (
        "/",
        f"/delegations/visits/{visit.pk}/",
        f"/newsletter/editions/{edition.pk}/",
        "/newsletter/subscribers/",
        f"/partners/contacts/{contact.pk}/",
        f"/partners/organisations/{fee_due.organization_id}/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "hu", path
        assert _page_width(page) <= PHONE["width"], f"{path} scrolls sideways at 390 px"
