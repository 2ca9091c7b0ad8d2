"""Saved views: a user's named filter and sort of a list, shown in that list's sidebar.

A list page adds :func:`saved_views_context` to its context (with its key and its filter form);
``templates/cityrelations/_list_page.html`` then shows the user's saved views of that list (the
current one marked), a form to save the current filter and sort, and a warning when the saved
view being shown has a value that no longer validates (the filterset left it out).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, QueryDict

from .models import SavedView

# Not part of what a view saves: the page number and the bulk form's return address.
IGNORED_PARAMETERS = ("page", "next")


def normalized_query(query: QueryDict) -> str:
    """The filter and sort of a query string, in a stable order, without empty values and
    paging: two addresses that show the same rows give the same text."""
    pairs = sorted(
        (key, value)
        for key, values in query.lists()
        if key not in IGNORED_PARAMETERS
        for value in values
        if value.strip()
    )
    return urlencode(pairs)


def invalid_labels(form: forms.Form | None) -> list[str]:
    """The labels of the filter fields whose value did not validate (and was left out)."""
    if form is None or not form.is_bound or form.is_valid():
        return []
    return [str(form.fields[name].label or name) for name in form.errors if name in form.fields]


def saved_views_context(
    request: HttpRequest, list_key: str, *, filter_form: forms.Form | None = None
) -> dict[str, Any]:
    """The user's saved views of the list ``list_key`` (one query), which one is shown now,
    and the filter fields that no longer validate when it is."""
    current_query = normalized_query(request.GET)
    views = list(SavedView.objects.filter(user=_user(request), list_key=list_key))
    current = next((v for v in views if v.query == current_query), None)
    return {
        "saved_list_key": list_key,
        "saved_views": views,
        "saved_view_current": current,
        "saved_view_query": current_query,
        "saved_view_invalid": invalid_labels(filter_form) if current is not None else [],
    }


def _user(request: HttpRequest) -> Any:
    """The signed-in user (the views require a login), typed for the ORM."""
    return request.user
