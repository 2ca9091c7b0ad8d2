"""Building blocks of staff views: the generic form page, objects named in a query string, and
the safe ``next`` URL.

Ids in a URL path need nothing from here: ``<int:pk>`` and ``get_object_or_404`` suffice, since
Django answers an integer out of the column's range with no rows, not a database error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme

M = TypeVar("M", bound=models.Model)

# The largest primary key (a BigAutoField): a larger number names no row, so it is not looked up.
MAX_ID = 2**63 - 1

Trail = list[tuple[str, Any]]


def id_from_query(raw: str | None) -> int | None:
    """The id a query-string value holds (``?city=12``), or None for a missing value, one that
    is not plain ASCII digits ("²" passes ``isdigit()`` yet fails ``int()``), or one too large
    to be a primary key (the length check comes first: ``int()`` refuses 4,300 digits)."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)):
        return None
    number = int(raw)
    return number if number <= MAX_ID else None


def ids_from_query(values: Iterable[str]) -> list[int]:
    """The ids among query-string values (``?contacts=3&contacts=7``), the others dropped."""
    return [number for raw in values if (number := id_from_query(raw)) is not None]


def get_from_query(queryset: type[M] | models.QuerySet[M], raw: str | None) -> M:
    """The object a query-string id names (``?visit=12``); 404 for a missing row, and for a
    value that is not a number (which would otherwise reach the database as an error)."""
    pk = id_from_query(raw)
    if pk is None:
        raise Http404("No such object.")
    return get_object_or_404(queryset, pk=pk)


def object_from_query(queryset: type[M] | models.QuerySet[M], raw: str | None) -> M | None:
    """The object a query-string id names, to prefill a form (``?partnership=3``): None for a
    missing value, one that is not an id, or a row that does not exist (the form then opens
    empty, as without it)."""
    pk = id_from_query(raw)
    if pk is None:
        return None
    manager = queryset._default_manager if isinstance(queryset, type) else queryset
    return manager.filter(pk=pk).first()


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` URL from the form or the query string if it points back into this site
    (same host, and HTTPS when the request is), else ``default``: never an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def form_page(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    cancel_url: str,
    trail: Trail,
    status: int = 200,
    template: str = "cityrelations/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The generic create/edit page: the form under a title, with a cancel link and a trail
    (``template`` extends cityrelations/form.html to add to it, with ``extra`` context)."""
    context = {"form": form, "title": title, "cancel_url": cancel_url, "trail": trail}
    return render(request, template, {**context, **(extra or {})}, status=status)


def with_query(url: str, **params: Any) -> str:
    """``url`` with ``params`` set in its query string (replacing the same names)."""
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    for name, value in params.items():
        query[name] = str(value)
    return urlunsplit(parts._replace(query=query.urlencode()))
