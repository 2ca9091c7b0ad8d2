"""The search endpoint of the searchable picker (cityrelations/core/pickers.py): the first
matches of one kind of row for a few typed words, as JSON for static/js/picker.js."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from cityrelations.core.pickers import find, matches_status, search_words, source_for
from cityrelations.core.views import ids_from_query


@login_required
@require_GET
def option_search(request: HttpRequest) -> JsonResponse:
    """``?kind=contact&q=kovacs&exclude=12``: up to 15 matches (not the excluded, already chosen
    ones), whether there are more, and what a screen reader announces."""
    kind = request.GET.get("kind", "")
    source = source_for(kind)
    if source is None:
        raise Http404("Unknown kind.")
    if not request.user.has_perm(source.permission):
        raise PermissionDenied
    text = request.GET.get("q", "")[:200]
    found, more = find(source, text, exclude=ids_from_query(request.GET.getlist("exclude")))
    return JsonResponse(
        {
            "results": [{"value": str(row.pk), "label": source.label(row)} for row in found],
            "more": more,
            "status": matches_status(len(found), more, searched=bool(search_words(text))),
        }
    )
