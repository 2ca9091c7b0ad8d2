"""Recording and voiding a membership fee payment in a browser with JavaScript turned off:
the form, the confirm step and the void confirmation are plain HTML forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partners.models import FeePayment
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


def test_record_confirm_and_void_a_payment_without_javascript(
    no_js_page, live_server, login, staff_user
):
    page = no_js_page
    membership = MembershipFactory(
        organization__name="Network of Example Towns",
        fee_due_on=dt.date(2026, 3, 1),
        annual_fee=Decimal("1200.00"),
        fee_currency="EUR",
    )
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/partners/memberships/")
    row = page.get_by_role("row").filter(has_text="Network of Example Towns")
    row.get_by_role("link", name="Mark fee paid").click()

    page.get_by_label("Paid on").fill("2026-02-20")
    page.get_by_label("Reference").fill("BANK-REF-77")
    page.get_by_role("button", name="Review the payment").click()
    expect(page.get_by_role("heading", name="Confirm this payment")).to_be_visible()
    expect(page.get_by_text("moves from 1 Mar 2026 to 1 Mar 2027")).to_be_visible()
    assert not FeePayment.objects.exists()

    page.get_by_role("button", name="Confirm and record the payment").click()
    expect(page).to_have_url(re.compile(rf"/partners/memberships/{membership.pk}/$"))
    expect(page.get_by_text("the next fee is due on 1 Mar 2027")).to_be_visible()
    payments = page.locator("table.fee-payments")
    expect(payments).to_contain_text("BANK-REF-77")
    expect(payments).to_contain_text("1,200 EUR")

    payments.get_by_role("link", name="Void").click()
    page.get_by_label("Why is this payment voided?").fill("Entered for the wrong organisation")
    page.get_by_role("button", name="Void the payment").click()
    expect(page.get_by_text("fee is due on 1 Mar 2026 again")).to_be_visible()
    expect(payments).to_contain_text("Entered for the wrong organisation")
    payment = FeePayment.objects.get()
    assert payment.is_void and payment.voided_by == staff_user
