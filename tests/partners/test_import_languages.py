"""Files in the reader's language, read back in either: the admin's export and the import
templates write column names and choices as the reader knows them ("Szint", "Testvérváros"),
and the import accepts a file written in Hungarian or English, whatever the importer reads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partners.models import City, Partnership
from tests.factories import CityFactory, PartnershipFactory
from tests.partners.test_imports import confirm, csv_file, preview

pytestmark = pytest.mark.django_db

HU = {"HTTP_ACCEPT_LANGUAGE": "hu"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def vienna():
    return PartnershipFactory(
        city=CityFactory(name="Vienna", country="AT"),
        level=Partnership.Level.SISTER,
        council_resolution="12/1990",
        is_public=True,
    )


def admin_export_csv(
    client, language: dict[str, str], model: str = "partnership"
) -> list[list[str]]:
    """The partnerships (or another model's records) as the admin's Export button downloads
    them (CSV, every column)."""
    url = reverse(f"admin:partners_{model}_export")
    page = client.get(url, **language)
    fields = {name: "on" for name in page.context["form"].fields if name.startswith(model)}
    response = client.post(
        url,
        {"format": "0", "resource": "0", **fields},
        **language,
    )
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def test_the_admin_export_speaks_the_readers_language(admin_client, vienna):
    header, row = admin_export_csv(admin_client, HU)
    assert header[:5] == ["Város", "Ország", "Szint", "Állapot", "Javaslat napja"]
    cells = dict(zip(header, row, strict=True))
    assert cells["Szint"] == "Testvérváros" and cells["Állapot"] == "Aktív"
    assert cells["Nyilvános"] == "igen"

    header, row = admin_export_csv(admin_client, EN)
    cells = dict(zip(header, row, strict=True))
    assert cells["Level"] == "Sister city" and cells["Status"] == "Active"
    assert cells["Public"] == "yes"


@pytest.mark.parametrize("written_in, read_in", [(HU, EN), (HU, HU), (EN, HU), (EN, EN)])
def test_an_export_imports_back_without_losing_a_value(
    admin_client, staff_client, vienna, written_in, read_in
):
    rows = admin_export_csv(admin_client, written_in)
    token, response = preview(staff_client, "partnerships", csv_file(as_csv(rows)))
    # Unchanged: every column and choice label was read back as the value it came from.
    assert [row.action for row in response.context["report"].rows] == ["skip"]

    header, row = rows
    level = header.index("Szint" if written_in is HU else "Level")
    row[level] = "Partnerváros" if written_in is HU else "Partner city"
    public = header.index("Nyilvános" if written_in is HU else "Public")
    row[public] = "nem" if written_in is HU else "no"
    upload = staff_client.post(
        reverse("partners:import"),
        {"kind": "partnerships", "file": csv_file(as_csv([header, row]))},
        **read_in,
    )
    token = upload["Location"].split("token=")[1]
    response = staff_client.get(reverse("partners:import_preview"), {"token": token}, **read_in)
    changes = {
        c.column: (c.label, c.old, c.new) for c in response.context["report"].rows[0].changes
    }
    if read_in is HU:
        assert changes["level"] == ("Szint", "Testvérváros", "Partnerváros")
    else:
        assert changes["level"] == ("Level", "Sister city", "Partner city")
    assert confirm(staff_client, token).status_code == 302
    vienna.refresh_from_db()
    assert (vienna.level, vienna.is_public) == (Partnership.Level.PARTNER, False)
    assert (vienna.status, vienna.council_resolution) == (Partnership.Status.ACTIVE, "12/1990")
    assert vienna.established_on.isoformat() == "2015-05-01"


def test_the_template_in_hungarian_and_an_english_reader_importing_it(staff_client):
    CityFactory(name="Vienna", country="AT")
    response = staff_client.get(
        reverse("partners:import_template", args=["partnerships", "xlsx"]), **HU
    )
    header, example = load_workbook(io.BytesIO(response.content)).active.values
    assert header[:4] == ("Város", "Ország", "Szint", "Állapot")
    assert example[:4] == ("Vienna", "AT", "Testvérváros", "Aktív")
    rows = [list(header), ["" if v is None else v for v in example]]
    rows[1][1] = "Ausztria"  # a country by its Hungarian name
    token, _response = preview(staff_client, "partnerships", csv_file(as_csv(rows)))
    assert confirm(staff_client, token).status_code == 302
    partnership = Partnership.objects.get()
    assert (partnership.level, partnership.status) == ("sister", "active")


def test_the_column_problems_name_columns_in_the_readers_language(staff_client):
    response = staff_client.post(
        reverse("partners:import"),
        {"kind": "cities", "file": csv_file("név,régió\nBécs,Bécs\n")},
        **HU,
    )
    errors = " ".join(response.context["form"].errors["file"])
    assert "Ország" in errors and "country" not in errors


def test_the_import_page_says_either_language_will_do(staff_client):
    response = staff_client.get(reverse("partners:import"), **HU)
    assert "a webhely bármely nyelvén megadhatók" in response.content.decode()


@pytest.mark.parametrize("language", [HU, EN])
def test_a_city_south_and_west_of_greenwich_exports_and_imports_back(
    admin_client, staff_client, language
):
    """Negative coordinates are numbers, not formulae: written without the formula guard's
    apostrophe, and read back as they were."""
    CityFactory(
        name="Buenos Aires",
        country="AR",
        latitude=Decimal("-34.603722"),
        longitude=Decimal("-58.381592"),
    )
    rows = admin_export_csv(admin_client, language, model="city")
    header, row = rows
    cells = dict(zip(header, row, strict=True))
    latitude, longitude = (
        ("Földrajzi szélesség", "Földrajzi hosszúság")
        if language is HU
        else ("Latitude", "Longitude")
    )
    assert (cells[latitude], cells[longitude]) == ("-34.603722", "-58.381592")

    token, response = preview(staff_client, "cities", csv_file(as_csv(rows)))
    report = response.context["report"]
    assert not report.has_errors and [r.action for r in report.rows] == ["skip"]
    City.objects.all().delete()
    token, response = preview(staff_client, "cities", csv_file(as_csv(rows)))
    confirm(staff_client, token)
    city = City.objects.get()
    assert (city.latitude, city.longitude) == (Decimal("-34.603722"), Decimal("-58.381592"))


def test_a_file_exported_with_apostrophes_before_negative_numbers_imports(staff_client):
    text = "name,country,latitude,longitude\nLima,PE,'-12.046374,'-77.042793\n"
    token, response = preview(staff_client, "cities", csv_file(text))
    assert not response.context["report"].has_errors
    confirm(staff_client, token)
    city = City.objects.get()
    assert (city.latitude, city.longitude) == (Decimal("-12.046374"), Decimal("-77.042793"))
