"""Fee payments: a record (date, amount, currency, reference, who), confirmed before it is saved,
listed on the membership's page with its history, and voided (recorded) rather than deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import FeePayment, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 3, 1)


@pytest.fixture
def membership() -> Membership:
    return MembershipFactory(fee_due_on=DUE, annual_fee=Decimal("5000.00"), fee_currency="EUR")


def _form(**overrides) -> dict[str, str]:
    data = {
        "paid_on": "2026-02-20",
        "amount": "5000.00",
        "currency": "EUR",
        "reference": "INV-2026-17",
        "expected_due_on": DUE.isoformat(),
    }
    return {**data, **overrides}


def _record(client, membership, **overrides):
    """Step one (review) then step two (confirm), as the two forms post them."""
    url = reverse("partners:membership_fee_paid", args=[membership.pk])
    review = client.post(url, _form(**overrides))
    assert review.status_code == 200 and review.context["confirming"]
    return client.post(url, {**_form(**overrides), "confirm": "1"})


def test_the_form_is_prefilled_and_nothing_is_saved_before_confirming(staff_client, membership):
    url = reverse("partners:membership_fee_paid", args=[membership.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["amount"].value() == Decimal("5000.00")
    assert form["currency"].value() == "EUR"
    assert form["paid_on"].value() == timezone.localdate()

    review = staff_client.post(url, _form())
    assert review.status_code == 200
    html = review.content.decode()
    assert "Confirm this payment" in html
    assert "moves from 1 Mar 2026 to 1 Mar 2027" in html
    assert 'name="confirm"' in html and 'type="hidden" name="reference" value="INV-2026-17"' in html
    assert not FeePayment.objects.exists()
    membership.refresh_from_db()
    assert membership.fee_due_on == DUE

    # "Change" goes back to the form with the values, still saving nothing
    back = staff_client.post(url, {**_form(), "change": "1"})
    assert not back.context["confirming"]
    assert back.context["form"]["reference"].value() == "INV-2026-17"
    assert not FeePayment.objects.exists()


def test_confirming_records_the_payment_and_moves_the_due_date(
    staff_client, staff_user, membership
):
    response = _record(staff_client, membership)
    assert response.status_code == 302
    assert response.url == reverse("partners:membership_detail", args=[membership.pk])
    payment = FeePayment.objects.get()
    assert (payment.paid_on, payment.amount, payment.currency, payment.reference) == (
        dt.date(2026, 2, 20),
        Decimal("5000.00"),
        "EUR",
        "INV-2026-17",
    )
    assert payment.recorded_by == staff_user and payment.recorded_at is not None
    assert (payment.due_before, payment.due_after) == (DUE, dt.date(2027, 3, 1))
    membership.refresh_from_db()
    assert membership.fee_due_on == dt.date(2027, 3, 1)
    assert payment.history.count() == 1  # simple-history keeps every version

    page = staff_client.get(response.url)
    html = page.content.decode()
    assert "next fee is due on 1 Mar 2027" in html
    assert "INV-2026-17" in html and "5,000 EUR" in html
    assert "due date 1 Mar 2026 → 1 Mar 2027" in html
    # the membership's own history shows the due date moving, by whom
    assert any(
        row["user"] == staff_user and any(c["old"] == DUE for c in row["changes"])
        for row in page.context["history"]
    )


def test_a_second_confirmation_of_the_same_form_records_nothing(staff_client, membership):
    _record(staff_client, membership)
    url = reverse("partners:membership_fee_paid", args=[membership.pk])
    again = staff_client.post(url, {**_form(), "confirm": "1"})  # a double click, a reload
    assert again.status_code == 200
    assert "changed while you were confirming" in again.content.decode()
    assert FeePayment.objects.count() == 1
    membership.refresh_from_db()
    assert membership.fee_due_on == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"currency": "ZZZ"}, "currency")],
)
def test_bad_values_are_refused_beside_the_field(staff_client, membership, overrides, field):
    url = reverse("partners:membership_fee_paid", args=[membership.pk])
    response = staff_client.post(url, {**_form(**overrides), "confirm": "1"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not FeePayment.objects.exists()


def test_a_payment_dated_in_the_future_is_refused(staff_client, membership):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = reverse("partners:membership_fee_paid", args=[membership.pk])
    response = staff_client.post(url, {**_form(paid_on=tomorrow.isoformat()), "confirm": "1"})
    assert "paid_on" in response.context["form"].errors
    assert not FeePayment.objects.exists()


def test_without_a_due_date_the_payment_is_recorded_and_no_date_moves(staff_client):
    membership = MembershipFactory(fee_due_on=None)
    response = _record(staff_client, membership, expected_due_on="")
    assert response.status_code == 302
    payment = FeePayment.objects.get()
    assert payment.due_before is None and payment.due_after is None
    membership.refresh_from_db()
    assert membership.fee_due_on is None


def test_voiding_asks_for_a_reason_keeps_the_record_and_restores_the_due_date(
    staff_client, staff_user, membership
):
    _record(staff_client, membership)
    payment = FeePayment.objects.get()
    url = reverse("partners:fee_payment_void", args=[payment.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and "Void the payment" in page.content.decode()
    assert "reason" in staff_client.post(url, {"reason": " "}).context["form"].errors
    payment.refresh_from_db()
    assert not payment.is_void

    response = staff_client.post(url, {"reason": "Recorded twice"})
    assert response.url == reverse("partners:membership_detail", args=[membership.pk])
    payment.refresh_from_db()
    assert payment.is_void and payment.voided_by == staff_user
    assert payment.void_reason == "Recorded twice"
    assert FeePayment.objects.count() == 1  # voided, not deleted
    assert payment.history.count() == 2
    membership.refresh_from_db()
    assert membership.fee_due_on == DUE
    html = staff_client.get(response.url).content.decode()
    assert "Recorded twice" in html and "fee is due on 1 Mar 2026 again" in html
    # voiding twice changes nothing
    staff_client.post(url, {"reason": "again"})
    payment.refresh_from_db()
    assert payment.void_reason == "Recorded twice"


def test_voiding_an_older_payment_leaves_a_later_due_date_alone(staff_client, membership):
    _record(staff_client, membership)
    _record(staff_client, membership, expected_due_on="2027-03-01")
    older, newer = FeePayment.objects.order_by("pk")
    assert newer.due_after == dt.date(2028, 3, 1)
    response = staff_client.post(
        reverse("partners:fee_payment_void", args=[older.pk]), {"reason": "Wrong year"}, follow=True
    )
    assert "left as it is" in response.content.decode()
    membership.refresh_from_db()
    assert membership.fee_due_on == dt.date(2028, 3, 1)


def test_voiding_both_stacked_payments_brings_the_due_date_back_past_both(staff_client, membership):
    _record(staff_client, membership)
    _record(staff_client, membership, expected_due_on="2027-03-01")
    older, newer = FeePayment.objects.order_by("pk")
    for payment in (older, newer):  # the older first: the date stays 2028-03-01 until the newer
        staff_client.post(
            reverse("partners:fee_payment_void", args=[payment.pk]), {"reason": "Not paid"}
        )
    membership.refresh_from_db()
    assert membership.fee_due_on == DUE  # not 2027-03-01: nobody paid for that year


def test_a_membership_with_payments_is_not_deleted(staff_client, membership):
    _record(staff_client, membership)
    response = staff_client.post(
        reverse("partners:membership_delete", args=[membership.pk]), follow=True
    )
    assert response.status_code == 200
    assert "set an end date instead" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_mayors_office_reads_payments_but_cannot_record_or_void(
    staff_client, mayor_client, membership
):
    _record(staff_client, membership)
    payment = FeePayment.objects.get()
    detail = mayor_client.get(reverse("partners:membership_detail", args=[membership.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "INV-2026-17" in html
    record_url = reverse("partners:membership_fee_paid", args=[membership.pk])
    void_url = reverse("partners:fee_payment_void", args=[payment.pk])
    assert record_url not in html and void_url not in html
    assert mayor_client.get(record_url).status_code == 403
    assert mayor_client.post(record_url, {**_form(), "confirm": "1"}).status_code == 403
    assert mayor_client.post(void_url, {"reason": "x"}).status_code == 403
    assert FeePayment.objects.count() == 1 and not FeePayment.objects.get().is_void


def test_detail_page_queries_do_not_grow_with_payments(staff_client, staff_user, membership):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("partners:membership_detail", args=[membership.pk])

    def queries_with(payments: int) -> int:
        FeePayment.objects.all().delete()
        for n in range(payments):
            FeePayment.objects.create(
                membership=membership,
                paid_on=DUE,
                amount=Decimal(n + 1),
                currency="EUR",
                recorded_by=staff_user,
                voided_by=staff_user if n % 2 else None,
                voided_at=timezone.now() if n % 2 else None,
                void_reason="test" if n % 2 else "",
            )
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url)
        assert len(response.context["payments"]) == payments
        return len(captured)

    assert queries_with(1) == queries_with(6)
