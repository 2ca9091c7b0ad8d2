"""The gifts register's public columns (its filters are in ``filters.py``).

The public register (page and CSV) shows only public columns: never the counterpart contact,
the storage location or the internal notes. Its query selects just those columns, so nothing
internal is even loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Gift


def public_gifts() -> QuerySet[Gift]:
    """Only the columns the public may see (the visit title comes through a join)."""
    return Gift.objects.select_related("visit").only(
        "date",
        "direction",
        "description",
        "counterpart",
        "value",
        "currency",
        "disposition",
        "visit__title",
    )


def public_rows(gifts: Iterable[Gift]) -> Iterator[list[Any]]:
    """Rows for the public CSV, in the order of :func:`public_headers`."""
    for gift in gifts:
        yield [
            gift.date.isoformat(),
            gift.get_direction_display(),
            gift.description,
            gift.counterpart,
            "" if gift.value is None else f"{gift.value:.2f}",
            gift.currency,
            gift.get_disposition_display(),
            gift.visit.title if gift.visit else "",
        ]


def public_headers() -> list[str]:
    return [
        str(_("Date")),
        str(_("Given / received")),
        str(_("Description")),
        str(_("Counterpart")),
        str(_("Value")),
        str(_("Currency")),
        str(_("Disposition")),
        str(_("Visit")),
    ]
