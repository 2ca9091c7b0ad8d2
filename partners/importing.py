"""Reading CSV/XLSX files and importing them all-or-nothing through the resources.

An empty cell never blanks a value of an existing record unless the user asks for it
(``clear_empty``); the preview lists, for each record to update, every field that changes.

``import_preview`` is a dry run (everything rolled back) that reports every row's action and
errors; ``import_apply`` does the same in one transaction and keeps the changes only when no row
has an error. Both take a parsed ``tablib.Dataset`` from ``read_dataset``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import Result, RowResult

from cityrelations.core.archives import ArchiveDamaged, ArchiveRefused, check_zip

from .resources import FIRST_DATA_LINE, RESOURCES, FieldChange, ImportResource
from .resources.base import normalise_column
from .resources.cells import ChoiceWidget

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000  # a preview of 2,000 rows stays well within a request timeout
MAX_COLUMNS = 60  # far more than any kind has; a row is never padded beyond this
# An XLSX file is a ZIP: a few hundred KB can hold gigabytes of XML. These bound what is unpacked.
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
XLSX_MAX_RATIO = 100
FORMATS = ("csv", "xlsx")
KIND_LABELS = {
    "cities": gettext_lazy("Cities"),
    "partnerships": gettext_lazy("Partnerships"),
    "organizations": gettext_lazy("Organisations"),
    "contacts": gettext_lazy("Contacts"),
}
KIND_PERMISSIONS = {
    "cities": "partners.add_city",
    "partnerships": "partners.add_partnership",
    "organizations": "partners.add_organization",
    "contacts": "partners.add_contact",
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for people."""


@dataclass
class RowError:
    column: str
    message: str
    label: str = ""  # the column's name in the reader's language


@dataclass
class PreviewRow:
    line: int
    action: str  # new, update, skip, invalid, error
    values: list[str]
    errors: list[RowError] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    columns: list[str]
    rows: list[PreviewRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    clear_empty: bool = False

    @property
    def column_labels(self) -> list[str]:
        """The file's columns as the reader's language names them."""
        return [RESOURCES[self.kind].column_label(c) for c in self.columns]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def bad_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def totals(self) -> dict[str, int]:
        totals = {action: self.count(action) for action in ("new", "update", "skip")}
        return {**totals, "errors": len(self.bad_rows)}

    @property
    def updated_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.action == "update" and not row.errors]


# --- Reading files ------------------------------------------------------------------------------


def file_format(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    return extension


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a text CSV file. Save it as CSV (UTF-8) or XLSX."))
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file's characters cannot be read. Save it as CSV (UTF-8)."))


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("This is not an XLSX workbook."))
    from openpyxl import load_workbook

    _check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # max_col: a forged <dimension> would otherwise pad every row to 16,384 cells.
        cells = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        rows = [list(row) for _i, row in zip(range(MAX_ROWS + 2), cells, strict=False)]
        workbook.close()
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(_("This XLSX workbook cannot be read.")) from exc
    if any(len(row) > MAX_COLUMNS and row[MAX_COLUMNS] not in (None, "") for row in rows):
        raise ImportFileError(_("The file has more than %(max)s columns.") % {"max": MAX_COLUMNS})
    return [row[:MAX_COLUMNS] for row in rows]


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook that would unpack to far more than it weighs, before opening it."""
    try:
        check_zip(io.BytesIO(data), max_total=XLSX_MAX_UNCOMPRESSED, max_ratio=XLSX_MAX_RATIO)
    except ArchiveDamaged as exc:
        raise ImportFileError(_("This XLSX workbook cannot be read.")) from exc
    except ArchiveRefused as exc:
        raise ImportFileError(
            _(
                "This XLSX workbook unpacks to far more data than it holds (a “zip bomb”), "
                "so it was not opened. Save it again from your spreadsheet program or as CSV."
            )
        ) from exc


def _column_names(header: list[Any], kind: str) -> list[str]:
    """The file's column names as the resource's own: a label in either language ("Létrejötte",
    "Established on") becomes ``established_on``; a name it does not know stays as written."""
    aliases = RESOURCES[kind].column_aliases()
    names = [normalise_column(v) for v in header]
    return [aliases.get(name, name) for name in names]


def read_dataset(*, data: bytes, fmt: str, kind: str) -> tablib.Dataset:
    """Parse and check the columns; raise ImportFileError with a clear message."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB: split it into several files."))
    rows = _csv_rows(data) if fmt == "csv" else _xlsx_rows(data)
    rows = [row for row in rows if any(str(v).strip() for v in row if v is not None)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    header, *body = rows
    columns = _column_names(header, kind)
    while columns and not columns[-1]:
        columns.pop()
    _check_columns(columns, kind)
    if not body:
        raise ImportFileError(_("The file has column names but no rows."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s rows: split it into several files.")
            % {"max": MAX_ROWS}
        )
    dataset = tablib.Dataset(headers=columns)
    width = len(columns)
    for row in body:
        cells = [("" if v is None else v) for v in row[:width]]
        dataset.append(cells + [""] * (width - len(cells)))
    return dataset


def _check_columns(columns: list[str], kind: str) -> None:
    resource_class = RESOURCES[kind]
    known = resource_class.column_names()
    if "" in columns:
        raise ImportFileError(
            _("Column %(number)s has no name in the first row.") % {"number": columns.index("") + 1}
        )
    label = resource_class.column_label
    duplicates = sorted({label(c) for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ImportFileError(
            _("Repeated columns: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    unknown = [c for c in columns if c not in known]
    missing = [label(c) for c in resource_class.required_columns if c not in columns]
    problems = []
    if missing:
        problems.append(
            _("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _("Unknown columns: %(columns)s (the known columns are: %(known)s).")
            % {"columns": ", ".join(unknown[:10]), "known": ", ".join(map(label, known))}
        )
    if problems:
        raise ImportFileError(" ".join(problems))


def template_dataset(kind: str) -> tuple[list[str], list[list[Any]]]:
    """Headers (and one example row) of a downloadable template file, in the reader's language."""
    examples: dict[str, dict[str, str]] = {
        "cities": {
            "name": "Vienna",
            "country": "AT",
            "region": "Vienna",
            "population": "1897000",
            "latitude": "48.208490",
            "longitude": "16.372080",
            "timezone": "Europe/Vienna",
        },
        "partnerships": {
            "city": "Vienna",
            "country": "AT",
            "level": "sister",
            "status": "active",
            "established_on": "1990-05-01",
        },
        "organizations": {
            "name": "Example Network of Cities",
            "acronym": "ENC",
            "kind": "network",
            "country": "BE",
            "website": "https://network.example",
        },
        "contacts": {
            "honorific": "Dr.",
            "first_name": "Erika",
            "last_name": "Example",
            "email": "erika.example@partner.example",
            "city": "Vienna",
            "country": "AT",
        },
    }
    resource = RESOURCES[kind]()
    fields = resource.get_import_fields()
    # Headers and choices in the reader's language, as an export writes them: "Testvérváros",
    # not "sister". The import reads both languages back.
    headers = [resource.column_label(f.column_name) for f in fields]
    example = examples[kind]
    row = [
        f.widget.render(example[f.column_name])
        if isinstance(f.widget, ChoiceWidget) and f.column_name in example
        else example.get(f.column_name, "")
        for f in fields
    ]
    return headers, [row]


# --- Importing ----------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _row_errors(
    row_result: RowResult, column_of: dict[str, str], label: Callable[[str], str]
) -> list[RowError]:
    errors: list[RowError] = []
    if row_result.validation_error is not None:
        error = row_result.validation_error
        if hasattr(error, "error_dict"):
            for attribute, messages in error.message_dict.items():
                column = (
                    "" if attribute == NON_FIELD_ERRORS else column_of.get(attribute, attribute)
                )
                errors += [
                    RowError(column, message, label(column) if column else "")
                    for message in messages
                ]
        else:
            errors += [RowError("", message) for message in error.messages]
    for failure in row_result.errors:
        errors.append(
            RowError("", _("This row cannot be saved: %(error)s") % {"error": failure.error})
        )
    return errors


def _report(
    kind: str, dataset: tablib.Dataset, resource: ImportResource, result: Result
) -> ImportReport:
    column_of = {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}
    report = ImportReport(
        kind=kind, columns=list(dataset.headers), clear_empty=resource.clear_empty
    )
    report.file_errors = [str(error.error) for error in result.base_errors]
    for index, (values, row_result) in enumerate(zip(dataset, result.rows, strict=False)):
        action = row_result.import_type
        report.rows.append(
            PreviewRow(
                line=index + FIRST_DATA_LINE,
                action=action,
                values=[_display(v) for v in values],
                errors=_row_errors(row_result, column_of, resource.column_label),
                # import-export numbers rows from 1
                changes=resource.changes.get(index + 1, []) if action == "update" else [],
            )
        )
    if len(result.rows) < len(dataset) and not report.file_errors:
        report.file_errors.append(_("The import stopped early; nothing was saved."))
    return report


def import_preview(
    *, kind: str, dataset: tablib.Dataset, clear_empty: bool = False
) -> ImportReport:
    """Dry run: every change is rolled back."""
    resource = RESOURCES[kind](clear_empty=clear_empty)
    result = resource.import_data(dataset, dry_run=True, use_transactions=True)
    return _report(kind, dataset, resource, result)


def import_apply(*, kind: str, dataset: tablib.Dataset, clear_empty: bool = False) -> ImportReport:
    """All or nothing: if any row has an error, nothing is written.

    An empty cell leaves an existing record's value alone unless ``clear_empty``.
    """
    resource = RESOURCES[kind](clear_empty=clear_empty)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
        )
        report = _report(kind, dataset, resource, result)
        if report.has_errors:
            transaction.set_rollback(True)
    return report
