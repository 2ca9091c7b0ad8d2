"""The list pages' pagination: ``?page=`` read once, the same way everywhere.

A malformed or out-of-range page number shows the first or the last page, never an error
(``Paginator.get_page``). :class:`UncountedPage` serves lists too large to count on every view.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

MAX_UNCOUNTED_PAGE = 10_000


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    per_page: int,
    *,
    param: str = "page",
) -> Page:
    """The page of ``items`` that ``?page=`` (or ``param``) asks for."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


class UncountedPage:
    """One page without COUNT(*): a search over 100,000 rows should not scan twice.

    Reads one row more than the page holds to know whether a next page exists. Offers the
    attributes the pagination partials use, except the total number of pages.
    """

    def __init__(self, items: QuerySet[Any], number: Any, size: int) -> None:
        try:
            self.number = max(1, min(int(number), MAX_UNCOUNTED_PAGE))
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * size
        rows = list(items[start : start + size + 1])
        self.object_list = rows[:size]
        self._has_next = len(rows) > size

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
