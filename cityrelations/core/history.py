"""The History tab: who changed what and when, from django-simple-history records."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from django.db import models
from django.db.models.options import Options
from django.utils.translation import gettext


def _shown(field: Any, value: Any) -> Any:
    """A stored value as the reader knows it: a choice's label, yes or no (in their language)."""
    if value is None or value == "":
        return value
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value else gettext("no")
    if getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, value)
    return value


class Tracked(Protocol):
    """A model with ``history = HistoricalRecords()`` (django-simple-history has no types)."""

    _meta: ClassVar[Options[Any]]
    history: Any


def note_change(obj: models.Model, *, by: Any, reason: str | None = None) -> None:
    """Who makes ``obj``'s next save or delete, and why: django-simple-history writes both into
    that history record. It reads them from these two attributes, which no type declares."""
    obj._history_user = by  # type: ignore[attr-defined]
    if reason is not None:
        obj._change_reason = reason  # type: ignore[attr-defined]


def history_rows(obj: Tracked, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first; each row names the user, the kind of change and the fields that changed."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            # The optimistic-locking counter changes on every save: bookkeeping, not a change.
            delta = record.diff_against(previous, excluded_fields=["version"])
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                assert isinstance(field, models.Field)  # a tracked column, not a reverse relation
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _shown(field, change.old),
                        "new": _shown(field, change.new),
                        "related_model": field.related_model if field.many_to_one else None,
                    }
                )
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "changes": changes,
            }
        )
    _name_related(rows)
    return rows


def _name_related(rows: list[dict[str, Any]]) -> None:
    """A changed link (a coordinator, an organisation) stored as an id shows the record's name:
    one query per kind of record linked, whatever the number of changes."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for row in rows:
        for change in row["changes"]:
            model = change["related_model"]
            if model is not None:
                wanted.setdefault(model, set()).update({change["old"], change["new"]} - {None, ""})
    names = {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    for row in rows:
        for change in row["changes"]:
            model = change.pop("related_model")
            if model is not None:
                for side in ("old", "new"):
                    change[side] = names[model].get(change[side], change[side])
