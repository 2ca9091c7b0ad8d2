"""Query building blocks the apps' QuerySet methods share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet


def count_by(queryset: QuerySet[Any], field: str) -> dict[Any, int]:
    """``{value: rows}`` for each value of ``field`` among the rows (values with no row are
    absent): one ``GROUP BY`` query, with the model's default ordering cleared so that it does
    not split the groups."""
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(rows)
