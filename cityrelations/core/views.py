"""Building blocks of staff views: the generic form page, and objects named in a query string.

Ids in a URL path need nothing from here: ``<int:pk>`` and ``get_object_or_404`` suffice, since
Django answers an integer out of the column's range with no rows, not a database error.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

M = TypeVar("M", bound=models.Model)

Trail = list[tuple[str, Any]]


def get_from_query(queryset: type[M] | models.QuerySet[M], raw: str | None) -> M:
    """The object a query-string id names (``?visit=12``); 404 for a missing row, and for a
    value that is not a number (which would otherwise reach the database as an error)."""
    if not raw or not (raw.isascii() and raw.isdigit()):
        raise Http404("No such object.")
    return get_object_or_404(queryset, pk=int(raw))


def form_page(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    cancel_url: str,
    trail: Trail,
    status: int = 200,
) -> HttpResponse:
    """The generic create/edit page: the form under a title, with a cancel link and a trail."""
    context = {"form": form, "title": title, "cancel_url": cancel_url, "trail": trail}
    return render(request, "cityrelations/form.html", context, status=status)
