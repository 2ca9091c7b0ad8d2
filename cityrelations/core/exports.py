"""CSV/XLSX downloads that are safe to open in a spreadsheet, and the log of those that carry
personal data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from .models import PersonalDataExport

# Room for a whole selection's ids (cityrelations.core.bulk.MAX_ROWS of them), not only a query.
MAX_FILTERS_LOGGED = 8000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, as text: "-12.5", "+3", "-1,5", "2e-3". A spreadsheet reads it as a number,
# never as a formula, and an apostrophe before it would make the file's number a text.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulae (OWASP "CSV injection"): prefix with an apostrophe.
    Numbers, and text that is a plain number (a negative latitude), are left alone, so that
    the file reads back as it was written."""
    if value is None:
        return ""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def spreadsheet_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse:
    """``fmt`` is "csv" or "xlsx"; every cell passes through :func:`safe_cell`."""
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def xlsx_cell(value: Any) -> Any:
            # Control characters (which anyone can type into a public form) cannot be stored
            # in a worksheet: openpyxl refuses them, and the whole export failed. Removed
            # before the formula check, so that "\x1b=…" is neutralised too.
            if isinstance(value, str):
                return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
            return value

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(headers))
        for row in rows:
            sheet.append([xlsx_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # BOM: spreadsheet programs then read UTF-8 correctly
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response


def export_filters(request: HttpRequest, *, ignore: Sequence[str] = ("page",)) -> str:
    """The query string that chose the rows, without paging (what the log records)."""
    query = request.GET.copy()
    for key in ignore:
        query.pop(key, None)
    return query.urlencode()


def selection_filters(ids: Sequence[int]) -> str:
    """What the log records for an export of ticked rows (a POST has no query string)."""
    return f"selection of {len(ids)}: ids " + ",".join(str(pk) for pk in sorted(ids))


def log_personal_data_export(
    *, request: HttpRequest, kind: str, filters: str, row_count: int, file_format: str
) -> PersonalDataExport:
    """Record who exported which personal data, with which filter and how many rows."""
    user = request.user
    return PersonalDataExport.objects.create(
        kind=kind,
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        filters=filters[:MAX_FILTERS_LOGGED],
        row_count=row_count,
        file_format=file_format,
    )


def personal_data_response(
    *,
    request: HttpRequest,
    kind: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    filters: str | None = None,
) -> HttpResponse:
    """:func:`spreadsheet_response` for rows about people: the download and its log entry go
    together (no file without a record, no record of a file that failed to build).
    ``filters`` names the rows (:func:`selection_filters`); by default the query string."""
    rows = list(rows)
    if filters is None:
        filters = export_filters(request, ignore=("page", "format"))
    with transaction.atomic():
        log_personal_data_export(
            request=request,
            kind=kind,
            filters=filters,
            row_count=len(rows),
            file_format=fmt,
        )
        return spreadsheet_response(filename=filename, headers=headers, rows=rows, fmt=fmt)
