"""The History tab: who changed what and when, from django-simple-history records."""

from __future__ import annotations

from typing import Any, cast

from django.db import models
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


def history_rows(obj: models.Model, limit: int = 50) -> list[dict[str, Any]]:
    """Newest first; each row names the user, the kind of change and the fields that changed."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )  # type: ignore[attr-defined]
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            # The optimistic-locking counter changes on every save: bookkeeping, not a change.
            delta = record.diff_against(previous, excluded_fields=["version"])
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": str(field.verbose_name),
                        "old": _shown(field, change.old),
                        "new": _shown(field, change.new),
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
    return rows


def record_as(instance: models.Model, *, by: Any, reason: str | None = None) -> None:
    """Who (and why) the History tab names for the instance's next save. A view's saves get the
    request's user without this (simple-history's middleware); services name theirs."""
    record = cast(Any, instance)  # simple-history reads these two attributes when it saves
    record._history_user = by
    if reason is not None:
        record._change_reason = reason
