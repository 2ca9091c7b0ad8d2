"""Links the hub panels share: a list filtered to the record, a form prefilled with it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from cityrelations.core.panels import add_link


def filtered(route: str, **query: object) -> str:
    """``route``'s list with the query string ``query`` (``?partnership=3``)."""
    return f"{reverse(route)}?{urlencode(query)}"


def add_url(request: HttpRequest, permission: str, route: str, **query: object) -> str:
    """The prefilled form of ``route`` when the user may add, else ""."""
    return add_link(request, permission, filtered(route, **query))
