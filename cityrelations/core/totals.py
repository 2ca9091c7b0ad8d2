"""Totals of a money column over a list's whole filtered set (not only its page), one per
currency: euros and forints are never added together."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum


def money_totals(queryset: QuerySet[Any], *, amount: str, currency: str) -> list[dict[str, Any]]:
    """``[{"currency": "EUR", "total": Decimal(...)}, ...]`` by currency, in one query; rows
    without an amount are left out."""
    rows = (
        queryset.order_by()
        .filter(**{f"{amount}__isnull": False})
        .values(currency)
        .annotate(total=Sum(amount))
        .order_by(currency)
    )
    return [{"currency": row[currency], "total": row["total"] or Decimal(0)} for row in rows]


def money_totals_by(
    queryset: QuerySet[Any], *, group: str, amount: str, currency: str
) -> list[dict[str, Any]]:
    """``[{group: ..., "currency": ..., "total": ...}, ...]``: the totals of each value of
    ``group`` (a pipeline's stage), one per currency, in one query."""
    rows = (
        queryset.order_by()
        .filter(**{f"{amount}__isnull": False})
        .values(group, currency)
        .annotate(total=Sum(amount))
        .order_by(group, currency)
    )
    return [
        {group: row[group], "currency": row[currency], "total": row["total"] or Decimal(0)}
        for row in rows
    ]
