"""The briefing book download (PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cityrelations.core.exports import log_personal_data_export
from cityrelations.core.models import PersonalDataExport

from ..briefing import briefing_filename, build_briefing_book
from ..models import Visit


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def briefing_book(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit, pk=pk)
    book = build_briefing_book(visit)
    # Logged once the file is built (no record of a file that failed), before it is sent: it
    # lists the participants' dietary and accessibility needs, which are health data.
    log_personal_data_export(
        request=request,
        kind=PersonalDataExport.Kind.BRIEFING_BOOK,
        filters=f"visit={visit.pk}",
        row_count=book.participant_count,
        file_format="pdf",
    )
    response = HttpResponse(book.pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{briefing_filename(visit)}"'
    response["Cache-Control"] = "private, no-store"
    return response
