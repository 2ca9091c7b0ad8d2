"""What every import resource shares: required columns, natural keys, duplicate rows, empty
cells that keep a value, the changes a row makes, and formula-safe export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import resources

from cityrelations.core.exports import safe_cell
from cityrelations.core.languages import in_each_language

from .cells import is_empty_cell

FIRST_DATA_LINE = 2  # line 1 of a file holds the column names


@dataclass(frozen=True)
class FieldChange:
    """One field of an existing record that a row changes, as the file would show it."""

    column: str
    old: str
    new: str
    label: str = ""  # the column's name in the reader's language


def _shown(field: Any, value: Any) -> str:
    return "" if value is None or value == "" else str(field.widget.render(value))


class ImportResource(resources.ModelResource):
    """Shared behaviour: column checks, natural keys, duplicate rows, formula-safe export."""

    required_columns: tuple[str, ...] = ()

    def __init__(self, *, clear_empty: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clear_empty = clear_empty
        self._seen: dict[tuple[Any, ...], int] = {}
        # What each updated row changes, by import-export's row number (1 = first data row).
        self.changes: dict[int, list[FieldChange]] = {}

    @classmethod
    def column_names(cls) -> list[str]:
        """The columns' own names (``established_on``): language-neutral, always accepted."""
        return [field.column_name for field in cls().get_import_fields()]

    @classmethod
    def column_label(cls, column: str) -> str:
        """What a reader calls ``column`` in the active language ("Established on",
        "Létrejötte")."""
        return _column_labels(cls, translation.get_language() or settings.LANGUAGE_CODE).get(
            column, column
        )

    @classmethod
    def column_aliases(cls) -> dict[str, str]:
        """Every name a file may give a column, normalised by :func:`normalise_column`, mapped to the
        column: its own name and its label in each of the site's languages, so a file
        exported in Hungarian imports as well as one exported in English."""
        aliases = {}
        for column in cls.column_names():
            aliases[normalise_column(column)] = column
            for label in in_each_language(cls.column_label, column).values():
                aliases.setdefault(normalise_column(label), column)
        return aliases

    def natural_key(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        """What identifies the row's record; None: no duplicate check."""
        return None

    def find_existing(self, row: dict[str, Any]) -> models.Model | None:
        """The record the row updates; None: the row creates a new one."""
        return None

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> models.Model | None:
        try:
            return self.find_existing(row)
        except ValueError:
            return None  # the field itself reports the problem

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        try:
            key = self.natural_key(row)
        except ValueError:
            key = None
        if key is None:
            return
        number = kwargs.get("row_number", 0) + FIRST_DATA_LINE - 1
        if key in self._seen:
            raise ValidationError(
                _("Duplicate of row %(row)s: each record may appear only once in a file.")
                % {"row": self._seen[key]}
            )
        self._seen[key] = number

    def _keeps_value(self, field: Any, instance: models.Model) -> bool:
        """Whether an empty cell leaves this field of an existing record as it is.

        Always, unless the user asked for empty cells to clear values; even then a flag (an
        empty cell is not "no") and a required field (nothing to clear it to) are kept.
        """
        if instance.pk is None:
            return False
        if not self.clear_empty:
            return True
        model_field = instance._meta.get_field(field.attribute)
        return isinstance(model_field, models.BooleanField) or not getattr(
            model_field, "blank", False
        )

    def import_field(self, field: Any, instance: Any, row: Any, is_m2m: bool = False, **kw: Any):
        empty = field.column_name in row and is_empty_cell(row[field.column_name])
        if empty and not field.readonly and self._keeps_value(field, instance):
            return
        try:
            super().import_field(field, instance, row, is_m2m, **kw)
        except (ArithmeticError, TypeError) as exc:
            raise ValueError(_("This value cannot be read.")) from exc

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        """Import the row's cells, noting for an existing record each field that changes."""
        if instance.pk is None:
            super().import_instance(instance, row, **kwargs)
            return
        tracked = [
            f
            for f in self.get_import_fields()
            if f.attribute and not f.readonly and f.column_name in row
        ]
        before = [f.get_value(instance) for f in tracked]
        super().import_instance(instance, row, **kwargs)
        self.changes[kwargs.get("row_number", 0)] = [
            FieldChange(
                f.column_name,
                _shown(f, old),
                _shown(f, f.get_value(instance)),
                self.column_label(f.column_name),
            )
            for f, old in zip(tracked, before, strict=True)
            if f.get_value(instance) != old
        ]

    def get_export_headers(self, selected_fields: Any = None) -> list[str]:
        """Column labels in the reader's language; the import reads them back in any."""
        fields = self.get_export_fields(selected_fields)
        return [self.column_label(field.column_name) for field in fields if field]

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return safe_cell(super().export_field(field, instance, **kwargs))


_LABELS: dict[tuple[type, str], dict[str, str]] = {}


def _column_labels(resource_class: type[ImportResource], language: str) -> dict[str, str]:
    """Each column's label in ``language``: its model field's verbose name, reached through
    the relation for a column such as ``city__country``. Worked out once per class and language."""
    key = (resource_class, language)
    if key not in _LABELS:
        labels = {}
        with translation.override(language):
            for field in resource_class().get_import_fields():
                model: Any = resource_class._meta.model
                *path, name = field.attribute.split("__")
                for step in path:
                    model = model._meta.get_field(step).related_model
                verbose_name = model._meta.get_field(name).verbose_name
                labels[field.column_name] = str(capfirst(verbose_name))
        _LABELS[key] = labels
    return _LABELS[key]


def normalise_column(value: Any) -> str:
    """A column name as the import compares it: trimmed, lower case, ``_`` for spaces."""
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
