"""The briefing book download (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from ..briefing import briefing_filename, render_briefing_book
from ..models import Visit


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def briefing_book(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit, pk=pk)
    pdf = render_briefing_book(visit)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{briefing_filename(visit)}"'
    response["Cache-Control"] = "private, no-store"
    return response
