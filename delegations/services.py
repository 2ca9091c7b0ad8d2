"""Writes about visits that do more than save one form (the workflow steps are in
delegations.workflow)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import LogisticsItem, Visit

Kind = LogisticsItem.Kind

# The standard checklist: each kind, and how many days before the visit it should be done.
STANDARD_CHECKLIST: tuple[tuple[str, int], ...] = (
    (Kind.VISA, 42),
    (Kind.INTERPRETER, 21),
    (Kind.SECURITY, 14),
    (Kind.ACCOMMODATION, 21),
    (Kind.TRANSPORT, 14),
    (Kind.GIFTS, 10),
    (Kind.PRESS, 5),
)


def logistics_add_standard(*, visit: Visit) -> list[LogisticsItem]:
    """Add the standard checklist items the visit does not have yet (so it is safe to repeat)."""
    with transaction.atomic():
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        present = set(visit.logistics.values_list("kind", flat=True))
        items = [
            LogisticsItem(visit=visit, kind=kind, due_on=visit.start_date - dt.timedelta(days=days))
            for kind, days in STANDARD_CHECKLIST
            if kind not in present
        ]
        # One save() each (not bulk_create) so that each item gets its history record.
        for item in items:
            item.save()
    return items
