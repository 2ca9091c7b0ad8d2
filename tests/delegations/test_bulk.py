"""Bulk work on the visit list: a workflow step for many visits (all or nothing), the owner,
the selection's export, and the budget total per currency; the same totals on the membership
and project lists."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from delegations.models import Visit, VisitTransition
from tests.delegations.factories import VisitFactory
from tests.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

Status = Visit.Status
BULK = reverse("delegations:visit_bulk")
LIST = reverse("delegations:visit_list")


def test_submit_many_drafts_at_once(staff_client):
    visits = VisitFactory.create_batch(3, status=Status.DRAFT)
    ids = [v.pk for v in visits]
    response = staff_client.post(BULK, {"ids": ids, "action": "step", "step": "submit"})
    assert "3 rows will change" in response.content.decode()
    response = staff_client.post(
        BULK, {"ids": ids, "action": "step", "step": "submit", "confirm": "1"}
    )
    assert response.status_code == 302
    assert set(Visit.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert VisitTransition.objects.filter(to_status=Status.SUBMITTED).count() == 3


def test_a_visit_that_may_not_take_the_step_refuses_them_all(staff_client):
    draft = VisitFactory(status=Status.DRAFT)
    done = VisitFactory(status=Status.COMPLETED, title="Old trip")
    response = staff_client.post(
        BULK, {"ids": [draft.pk, done.pk], "action": "step", "step": "submit", "confirm": "1"}
    )
    assert response.status_code == 409
    assert "Old trip" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not VisitTransition.objects.exists()


def test_cancelling_needs_the_comment(staff_client):
    visit = VisitFactory(status=Status.DRAFT)
    data = {"ids": [visit.pk], "action": "step", "step": "cancel", "confirm": "1"}
    response = staff_client.post(BULK, data)
    assert "Please give a reason in the comment." in response.content.decode()
    staff_client.post(BULK, {**data, "comment": "Postponed by the partner."})
    visit.refresh_from_db()
    assert visit.status == Status.CANCELLED


def test_owner_changes_only_on_editable_visits(staff_client, staff_user):
    open_visit = VisitFactory(status=Status.DRAFT)
    closed = VisitFactory(status=Status.COMPLETED)
    data = {"ids": [open_visit.pk, closed.pk], "action": "owner", "person": staff_user.pk}
    response = staff_client.post(BULK, {**data, "confirm": "1"})
    assert "can no longer be changed" in response.content.decode()
    open_visit.refresh_from_db()
    assert open_visit.owner != staff_user
    staff_client.post(BULK, {**data, "ids": [open_visit.pk], "confirm": "1"})
    open_visit.refresh_from_db()
    assert open_visit.owner == staff_user
    assert open_visit.history.first().owner_id == staff_user.pk


def test_mayors_office_may_not_take_steps_in_bulk(mayor_client):
    visit = VisitFactory(status=Status.DRAFT)
    response = mayor_client.post(
        BULK, {"ids": [visit.pk], "action": "step", "step": "submit", "confirm": "1"}
    )
    assert response.status_code == 403


def test_export_of_the_selection(staff_client):
    kept = VisitFactory(title="=cmd()", budget=Decimal("1200"), currency="EUR")
    VisitFactory(title="Not ticked")
    response = staff_client.post(BULK, {"ids": [kept.pk], "action": "export_csv"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == ["'=cmd()"]
    assert table[1][-2:] == ["1200.00", "EUR"]


def _totals(response, key):
    return {t["currency"]: t["total"] for t in response.context[key]}


def test_visit_budget_totals_per_currency_over_every_page(staff_client):
    for _ in range(26):  # more than a page
        VisitFactory(budget=Decimal("100"), currency="EUR")
    VisitFactory(budget=Decimal("250000"), currency="HUF")
    VisitFactory(budget=None)
    response = staff_client.get(LIST)
    assert _totals(response, "budget_totals") == {"EUR": Decimal("2600"), "HUF": Decimal("250000")}
    html = response.content.decode()
    assert "2,600 EUR" in html or "2,600.00 EUR" in html
    assert "250,000 HUF" in html or "250,000.00 HUF" in html


def test_totals_follow_the_filter(staff_client):
    VisitFactory(budget=Decimal("100"), currency="EUR", title="Alpha")
    VisitFactory(budget=Decimal("900"), currency="EUR", title="Beta")
    response = staff_client.get(LIST, {"q": "Beta"})
    assert _totals(response, "budget_totals") == {"EUR": Decimal("900")}


def test_membership_fee_totals_per_currency(staff_client):
    MembershipFactory(annual_fee=Decimal("5000"), fee_currency="EUR")
    MembershipFactory(annual_fee=Decimal("2500"), fee_currency="EUR")
    MembershipFactory(annual_fee=Decimal("300000"), fee_currency="HUF")
    response = staff_client.get(reverse("partners:membership_list"))
    assert _totals(response, "fee_totals") == {
        "EUR": Decimal("7500"),
        "HUF": Decimal("300000"),
    }
    assert "Total annual fees" in response.content.decode()


def test_project_budget_totals_per_currency(staff_client):
    ProjectFactory(budget=Decimal("1000"), currency="EUR")
    ProjectFactory(budget=Decimal("2000"), currency="USD")
    response = staff_client.get(reverse("partners:project_list"))
    assert _totals(response, "budget_totals") == {"EUR": Decimal("1000"), "USD": Decimal("2000")}
    # Hungarian formats: a space groups thousands, never a sum of two currencies.
    response = staff_client.get(reverse("partners:project_list"), HTTP_ACCEPT_LANGUAGE="hu")
    html = response.content.decode()
    assert "3000" not in html and "3 000" not in html


def test_visit_list_query_count_stays_flat(staff_client, django_assert_num_queries):
    VisitFactory()
    with django_assert_num_queries(15) as first:
        staff_client.get(LIST)
    VisitFactory.create_batch(10, budget=Decimal("5"), currency="EUR")
    with django_assert_num_queries(len(first.captured_queries)):
        staff_client.get(LIST)
