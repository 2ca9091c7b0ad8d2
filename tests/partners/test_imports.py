"""Staff imports: upload -> preview (dry run) -> confirm, all or nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from partners.models import City, Contact, Organization, Partnership
from tests.factories import CityFactory, ContactFactory, OrganizationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def csv_file(text: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "data.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, kind: str, file: SimpleUploadedFile):
    return client.post(reverse("partners:import"), {"kind": kind, "file": file})


def token_of(response) -> str:
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["form"].errors
    )
    return re.search(r"token=([\w-]+)", response["Location"]).group(1)


def preview(client, kind: str, file: SimpleUploadedFile):
    token = token_of(upload(client, kind, file))
    response = client.get(reverse("partners:import_preview"), {"token": token})
    assert response.status_code == 200
    return token, response


def confirm(client, token: str):
    return client.post(reverse("partners:import_confirm"), {"token": token})


CITIES_CSV = (
    "name,country,region,population,latitude,longitude,timezone\n"
    "Vienna,AT,Vienna,1897000,48.20849,16.37208,Europe/Vienna\n"
    "Prague,Czechia,,1300000,50.08804,14.42076,Europe/Prague\n"
)


def test_city_csv_preview_then_confirm(staff_client):
    token, response = preview(staff_client, "cities", csv_file(CITIES_CSV))
    report = response.context["report"]
    assert [row.action for row in report.rows] == ["new", "new"]
    assert [row.line for row in report.rows] == [2, 3]
    assert not report.has_errors
    assert City.objects.count() == 0  # the preview is a dry run
    assert "Confirm import" in response.content.decode()

    response = confirm(staff_client, token)
    assert response.status_code == 302 and response["Location"] == reverse("partners:city_list")
    assert set(City.objects.values_list("name", "country", "continent")) == {
        ("Vienna", "AT", "EU"),
        ("Prague", "CZ", "EU"),
    }
    # the same file again: nothing changes, every row is "skip"
    _token, response = preview(staff_client, "cities", csv_file(CITIES_CSV))
    assert [row.action for row in response.context["report"].rows] == ["skip", "skip"]


def test_confirm_token_cannot_be_reused_or_guessed(staff_client):
    token, _response = preview(staff_client, "cities", csv_file(CITIES_CSV))
    assert confirm(staff_client, "made-up").status_code == 302
    assert City.objects.count() == 0
    confirm(staff_client, token)
    assert City.objects.count() == 2
    response = confirm(staff_client, token)  # second confirm: nothing pending any more
    assert response.status_code == 302 and response["Location"] == reverse("partners:import")
    assert City.objects.count() == 2


def test_one_bad_row_among_good_ones_writes_nothing_and_lists_every_bad_row(staff_client):
    text = (
        "name,country,population,latitude\n"
        "Vienna,AT,1897000,48.2\n"
        "Nowhere,Atlantis,5,1\n"
        "Prague,CZ,lots,50.1\n"
        "Warsaw,PL,1800000,95\n"
    )
    token, response = preview(staff_client, "cities", csv_file(text))
    report = response.context["report"]
    assert report.has_errors
    bad = {row.line: {(e.column, e.message) for e in row.errors} for row in report.bad_rows}
    assert set(bad) == {3, 4, 5}
    assert any(column == "country" and "Atlantis" in message for column, message in bad[3])
    assert any(column == "population" for column, _m in bad[4])
    assert any(column == "latitude" for column, _m in bad[5])
    html = response.content.decode()
    assert "Confirm import" not in html
    assert "Row 3" in html and "Row 4" in html and "Row 5" in html
    # forcing the confirm anyway writes nothing and lists the rows again
    response = confirm(staff_client, token)
    assert response.status_code == 400
    assert City.objects.count() == 0
    assert len(response.context["report"].bad_rows) == 3


def test_duplicate_rows_are_reported(staff_client):
    text = "name,country\nVienna,AT\nBerlin,DE\nvienna,Austria\n"
    _token, response = preview(staff_client, "cities", csv_file(text))
    report = response.context["report"]
    assert [row.line for row in report.bad_rows] == [4]
    assert "Duplicate of row 2" in report.bad_rows[0].errors[0].message


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("cities.pdf", b"%PDF-1.4"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("cities.xlsx", b"\x00\xff\xfe garbage"), "not an XLSX workbook"),
        (SimpleUploadedFile("cities.xlsx", b"PK\x03\x04broken zip"), "cannot be read"),
        (SimpleUploadedFile("cities.csv", b"\x00\x01\x02\xff\xfe"), "not a text CSV file"),
        (SimpleUploadedFile("cities.csv", b""), "empty"),
        (SimpleUploadedFile("cities.csv", b"\n\n"), "empty"),
        (SimpleUploadedFile("cities.csv", b"name,country\n"), "no rows"),
        (
            SimpleUploadedFile("cities.csv", b"name,region\nVienna,Wien\n"),
            "Missing required columns: Country",
        ),
        (
            SimpleUploadedFile("cities.csv", b"name,country,colour\nVienna,AT,red\n"),
            "Unknown columns: colour",
        ),
    ],
)
def test_broken_files_give_a_clear_message(staff_client, file, message):
    response = upload(staff_client, "cities", file)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert message in errors
    assert City.objects.count() == 0


def test_file_too_large(staff_client, settings):
    big = b"name,country\n" + b"Vienna,AT\n" * 300_000
    response = upload(staff_client, "cities", SimpleUploadedFile("big.csv", big))
    assert "larger than 2 MB" in " ".join(response.context["form"].errors["file"])


def test_partnerships_xlsx_reference_city_by_name_and_country(staff_client, staff_user):
    vienna = CityFactory(name="Vienna", country="AT")
    CityFactory(name="Vienna", country="US", region="Virginia")
    rows = [
        ["City", "Country", "Level", "Status", "Established on", "Coordinator"],
        ["Vienna", "AT", "Sister city", "active", "1990-05-01", "staff"],
        ["Gotham", "US", "partner", "", "", ""],
        ["Vienna", "US", "friendship", "dormant", "yesterday", ""],
    ]
    token, response = preview(staff_client, "partnerships", xlsx_file(rows))
    report = response.context["report"]
    assert report.rows[0].action == "new" and not report.rows[0].errors
    city_error = report.rows[1].errors[0]
    assert city_error.column == "city" and "No city “Gotham, US”" in city_error.message
    assert report.rows[2].errors[0].column == "established_on"
    assert confirm(staff_client, token).status_code == 400
    assert Partnership.objects.count() == 0

    rows = rows[:2]
    token, response = preview(staff_client, "partnerships", xlsx_file(rows))
    assert confirm(staff_client, token).status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.city == vienna
    assert partnership.level == "sister" and partnership.status == "active"
    assert partnership.coordinator == staff_user


def test_partnership_update_of_the_open_partnership(staff_client):
    partnership = PartnershipFactory(city__name="Kraków", city__country="PL", level="partner")
    token, response = preview(
        staff_client, "partnerships", csv_file("city,country,level\nKraków,Poland,sister\n")
    )
    assert response.context["report"].rows[0].action == "update"
    confirm(staff_client, token)
    partnership.refresh_from_db()
    assert partnership.level == "sister"
    assert Partnership.objects.count() == 1


def test_organizations_and_contacts(staff_client):
    CityFactory(name="Vienna", country="AT")
    token, _r = preview(
        staff_client,
        "organizations",
        csv_file("name;acronym;kind;country;city\nExample Network;EN;City network;BE;\n"),
    )
    confirm(staff_client, token)
    org = Organization.objects.get(name="Example Network")
    assert org.kind == "network" and org.country == "BE"

    existing = ContactFactory(email="erika.example@partner.example", last_name="Old")
    text = (
        "honorific,first_name,last_name,email,city,organization\n"
        "Dr.,Erika,Example,ERIKA.example@partner.example,Vienna,EN\n"
        ",Max,Mustermann,,Vienna,Example Network\n"
    )
    token, response = preview(staff_client, "contacts", csv_file(text))
    assert [row.action for row in response.context["report"].rows] == ["update", "new"]
    confirm(staff_client, token)
    existing.refresh_from_db()
    assert existing.last_name == "Example" and existing.organization == org
    assert Contact.objects.get(last_name="Mustermann").city.name == "Vienna"


def test_contact_with_unknown_organisation_and_bad_email(staff_client):
    text = "last_name,email,organization\nExample,not-an-email,Nobody Org\n"
    _token, response = preview(staff_client, "contacts", csv_file(text))
    columns = {e.column for e in response.context["report"].rows[0].errors}
    assert columns == {"email", "organization"}


def test_templates_have_the_columns(staff_client):
    response = staff_client.get(reverse("partners:import_template", args=["partnerships", "csv"]))
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("City,Country,Level,Status")
    response = staff_client.get(reverse("partners:import_template", args=["contacts", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.values)[2] == "Last name"
    assert staff_client.get("/partners/import/template/nothing.csv").status_code == 404
    assert staff_client.get("/partners/import/template/cities.pdf").status_code == 404


def test_roles(staff_client, mayor_client, anonymous_client):
    url = reverse("partners:import")
    assert staff_client.get(url).status_code == 200
    assert mayor_client.get(url).status_code == 403
    assert anonymous_client.get(url).status_code == 302
    assert (
        mayor_client.get(reverse("partners:import_template", args=["cities", "csv"])).status_code
        == 403
    )
    response = upload(mayor_client, "cities", csv_file(CITIES_CSV))
    assert response.status_code == 403


def test_admin_export_escapes_formulae(admin_client):
    OrganizationFactory(name='=HYPERLINK("http://evil.example")')
    from partners.resources import OrganizationResource

    dataset = OrganizationResource().export()
    assert dataset.dict[0]["Name"].startswith("'=")


def test_preview_of_another_users_token_is_refused(staff_client, django_user_model):
    token, _r = preview(staff_client, "cities", csv_file(CITIES_CSV))
    from django.contrib.auth.models import Group
    from django.test import Client

    other = django_user_model.objects.create_user("other")
    other.groups.add(Group.objects.get(name="Diplomacy unit"))
    client = Client()
    client.force_login(other)
    response = client.get(reverse("partners:import_preview"), {"token": token})
    assert response.status_code == 302
    assert confirm(client, token).status_code == 302
    assert City.objects.count() == 0


def test_admin_has_export_but_imports_go_through_the_app(admin_client):
    """The app's import checks the file (size, zip bombs, rows, columns) and previews it; the
    admin offers no second, unchecked way in (tests/cityrelations/test_admin_safety.py)."""
    CityFactory(name="Vienna")
    response = admin_client.get(reverse("admin:partners_city_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/admin/partners/city/import/" not in html
    assert reverse("admin:partners_city_export") in html


def test_nav_link_only_for_those_who_may_import(staff_client, mayor_client):
    url = reverse("partners:import")
    assert f'href="{url}"' in staff_client.get(reverse("dashboard")).content.decode()
    assert f'href="{url}"' not in mayor_client.get(reverse("dashboard")).content.decode()


def test_too_many_rows(staff_client):
    from partners.importing import MAX_ROWS

    text = "name,country\n" + "".join(f"Town {n},AT\n" for n in range(MAX_ROWS + 1))
    response = upload(staff_client, "cities", csv_file(text))
    assert f"more than {MAX_ROWS} rows" in " ".join(response.context["form"].errors["file"])
