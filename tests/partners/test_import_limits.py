"""XLSX uploads are ZIP archives: one that unpacks to far more than it weighs is refused with a
clear message before openpyxl reads it (no 500, no gigabyte of memory)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from partners.models import City

from .test_imports import upload

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_xlsx(megabytes: int) -> bytes:
    """A real workbook whose first sheet is replaced by ``megabytes`` MB of repeated rows."""
    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([["name", "country"]])))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>Vienna</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in original.infolist():
            if entry.filename != SHEET:
                bomb.writestr(entry, original.read(entry))
                continue
            with bomb.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _file_errors(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["file"])


def test_a_zip_bomb_workbook_is_refused_with_a_clear_message(staff_client):
    data = zip_bomb_xlsx(megabytes=8)
    assert len(data) < 400 * 1024  # a few hundred KB on the wire...
    declared = sum(e.file_size for e in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > 8 * 1024 * 1024  # ...that would unpack to 8 MB of XML, 1000:1
    response = upload(staff_client, "cities", SimpleUploadedFile("cities.xlsx", data))
    assert "zip bomb" in _file_errors(response)
    assert City.objects.count() == 0


def test_the_total_unpacked_size_is_bounded(staff_client, monkeypatch):
    data = workbook_bytes([["name", "country"], ["Vienna", "AT"]])
    response = upload(staff_client, "cities", SimpleUploadedFile("cities.xlsx", data))
    assert response.status_code == 302  # the same workbook passes under the real limit
    monkeypatch.setattr("partners.importing.XLSX_MAX_UNCOMPRESSED", 2000)
    response = upload(staff_client, "cities", SimpleUploadedFile("cities.xlsx", data))
    assert "zip bomb" in _file_errors(response)


def test_a_row_wider_than_any_import_is_refused(staff_client):
    from partners.importing import MAX_COLUMNS

    header = ["name", "country"] + [""] * (MAX_COLUMNS - 2) + ["extra"]
    data = workbook_bytes([header, ["Vienna", "AT"]])
    response = upload(staff_client, "cities", SimpleUploadedFile("cities.xlsx", data))
    assert f"more than {MAX_COLUMNS} columns" in _file_errors(response)
