"""Imports that update existing records: an empty cell never blanks a value unless the user
asks for it, and the preview lists every field that changes (old -> new) before anything is
written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from partners.models import Contact, Partnership
from tests.factories import CityFactory, ContactFactory, OrganizationFactory, PartnershipFactory

from .test_imports import confirm, csv_file, token_of, xlsx_file

pytestmark = pytest.mark.django_db

PARTNERSHIP_COLUMNS = (
    "city,country,level,status,proposed_on,established_on,council_resolution,"
    "council_resolution_on,coordinator,summary,is_public\n"
)


def preview(client, kind: str, file, clear_empty: bool = False):
    data = {"kind": kind, "file": file}
    if clear_empty:
        data["clear_empty"] = "on"
    token = token_of(client.post(reverse("partners:import"), data))
    response = client.get(reverse("partners:import_preview"), {"token": token})
    assert response.status_code == 200
    return token, response


def changes_of(row) -> dict[str, tuple[str, str]]:
    return {change.column: (change.old, change.new) for change in row.changes}


@pytest.fixture
def vienna(staff_user) -> Partnership:
    return PartnershipFactory(
        city=CityFactory(name="Vienna", country="AT"),
        level="sister",
        status="active",
        proposed_on=dt.date(1989, 1, 10),
        established_on=dt.date(1990, 5, 1),
        council_resolution="123/1990",
        council_resolution_on=dt.date(1990, 4, 20),
        coordinator=staff_user,
        summary="Twinned since 1990.",
        is_public=True,
    )


KEPT = {
    "status": "active",
    "proposed_on": dt.date(1989, 1, 10),
    "established_on": dt.date(1990, 5, 1),
    "council_resolution": "123/1990",
    "council_resolution_on": dt.date(1990, 4, 20),
    "summary": "Twinned since 1990.",
    "is_public": True,
}


def _values(partnership: Partnership) -> dict:
    partnership.refresh_from_db()
    return {name: getattr(partnership, name) for name in KEPT}


def test_csv_with_empty_cells_changes_only_what_is_filled_in(staff_client, staff_user, vienna):
    text = PARTNERSHIP_COLUMNS + "Vienna,AT,partner,,,,,,,,\n"
    token, response = preview(staff_client, "partnerships", csv_file(text))
    report = response.context["report"]
    assert [row.action for row in report.rows] == ["update"]
    assert changes_of(report.rows[0]) == {"level": ("Sister city", "Partner city")}
    assert report.totals == {"new": 0, "update": 1, "skip": 0, "errors": 0}
    html = response.content.decode()
    assert "Changes to existing records" in html
    assert re.search(r"<del>Sister city</del> → <ins>Partner city</ins>", html)
    assert (
        "council_resolution</code>"
        not in html.split("Changes to existing records")[1].split("</section>")[0]
    )
    assert "Empty cells leave the values of existing records as they are." in html
    vienna.refresh_from_db()
    assert vienna.level == "sister"  # nothing is applied by the preview

    assert confirm(staff_client, token).status_code == 302
    assert _values(vienna) == KEPT
    assert vienna.level == "partner" and vienna.coordinator == staff_user


def test_xlsx_contacts_with_empty_cells_keep_their_values(staff_client):
    org = OrganizationFactory(name="Example Network of Towns")
    contact = ContactFactory(
        honorific="H.E.",
        first_name="Anna",
        last_name="Old",
        email="anna@partner.example",
        form_of_address="Your Excellency",
        phone="+43 1 234",
        organization=org,
        protocol_notes="Vegetarian",
    )
    rows = [
        ["honorific", "first_name", "last_name", "form_of_address", "email", "phone"],
        [None, "Anna", "New", None, "anna@partner.example", ""],
    ]
    token, response = preview(staff_client, "contacts", xlsx_file(rows))
    row = response.context["report"].rows[0]
    assert row.action == "update"
    assert changes_of(row) == {"last_name": ("Old", "New")}
    assert confirm(staff_client, token).status_code == 302
    contact.refresh_from_db()
    assert contact.last_name == "New"
    assert (contact.honorific, contact.form_of_address, contact.phone) == (
        "H.E.",
        "Your Excellency",
        "+43 1 234",
    )
    assert contact.organization == org and contact.protocol_notes == "Vegetarian"


def test_ticking_the_box_clears_empty_cells_but_never_flags_or_required_fields(
    staff_client, vienna
):
    text = PARTNERSHIP_COLUMNS + "Vienna,AT,,,,,,,,,\n"
    token, response = preview(staff_client, "partnerships", csv_file(text), clear_empty=True)
    row = response.context["report"].rows[0]
    assert row.action == "update"
    assert changes_of(row) == {
        "proposed_on": ("1989-01-10", ""),
        "established_on": ("1990-05-01", ""),
        "council_resolution": ("123/1990", ""),
        "council_resolution_on": ("1990-04-20", ""),
        "coordinator": ("staff", ""),
        "summary": ("Twinned since 1990.", ""),
    }
    html = response.content.decode()
    assert "Empty cells clear the values of existing records" in html
    assert "(empty)" in html
    confirm(staff_client, token)
    vienna.refresh_from_db()
    assert vienna.council_resolution == "" and vienna.summary == ""
    assert vienna.established_on is None and vienna.coordinator is None
    # a flag is not "cleared" to no, and level/status have nothing to be cleared to
    assert vienna.is_public is True
    assert (vienna.level, vienna.status) == ("sister", "active")


def test_an_explicit_no_still_turns_a_flag_off(staff_client, vienna):
    text = "city,country,level,is_public\nVienna,AT,sister,no\n"
    token, response = preview(staff_client, "partnerships", csv_file(text))
    assert changes_of(response.context["report"].rows[0]) == {"is_public": ("yes", "no")}
    confirm(staff_client, token)
    vienna.refresh_from_db()
    assert vienna.is_public is False


def test_a_missing_column_changes_nothing_even_with_the_box_ticked(staff_client, vienna):
    text = "city,country,level\nVienna,AT,sister\n"
    token, response = preview(staff_client, "partnerships", csv_file(text), clear_empty=True)
    report = response.context["report"]
    assert [row.action for row in report.rows] == ["skip"]
    assert report.totals == {"new": 0, "update": 0, "skip": 1, "errors": 0}
    confirm(staff_client, token)
    assert _values(vienna) == KEPT


def test_counts_of_new_updated_unchanged_and_errors(staff_client, vienna):
    PartnershipFactory(city=CityFactory(name="Prague", country="CZ"), level="partner")
    CityFactory(name="Kraków", country="PL")
    text = (
        "city,country,level,summary\n"
        "Vienna,AT,sister,New summary\n"  # update
        "Prague,CZ,partner,\n"  # unchanged: the empty summary is no change
        "Kraków,PL,friendship,\n"  # new
        "Atlantis,AT,sister,\n"  # error
    )
    token, response = preview(staff_client, "partnerships", csv_file(text))
    report = response.context["report"]
    assert report.totals == {"new": 1, "update": 1, "skip": 1, "errors": 1}
    assert changes_of(report.rows[0]) == {"summary": ("Twinned since 1990.", "New summary")}
    html = response.content.decode()
    for label in ("new", "to update", "unchanged", "with errors"):
        assert f"</span> {label}</li>" in html
    # all or nothing: the error row blocks every other row
    assert confirm(staff_client, token).status_code == 400
    assert _values(vienna) == KEPT
    assert Partnership.objects.count() == 2


def test_admin_import_keeps_values_too(vienna):
    """The admin's import uses the same resources: its default keeps values as well."""
    import tablib

    from partners.resources import PartnershipResource

    dataset = tablib.Dataset(headers=["city", "country", "level", "summary", "is_public"])
    dataset.append(["Vienna", "AT", "sister", "", ""])
    result = PartnershipResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert _values(vienna) == KEPT
    assert Contact.objects.count() == 0
