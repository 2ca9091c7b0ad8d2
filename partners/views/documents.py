"""Agreement documents: upload (content-checked), permission-checked download, delete.

Files live in the media storage (local disk under MEDIA_ROOT, or a private S3-compatible bucket:
cityrelations/core/storage.py) and MEDIA_URL is never served: the only way to a document is
:func:`document_download`, which streams it from the storage to a logged-in user holding
``view_agreementdocument``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityrelations.core.views import form_page

from ..documents import document_delete as delete_document
from ..documents import document_store, download_name
from ..forms.agreements import DocumentUploadForm
from ..models import Agreement, AgreementDocument


def _document_for(pk: int) -> AgreementDocument:
    return get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)


@login_required
@permission_required("partners.add_agreementdocument", raise_exception=True)
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement, pk=pk)
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        assert form.document_type is not None  # set by clean_file
        document = document_store(
            agreement=agreement,
            upload=form.cleaned_data["file"],
            kind=form.document_type,
            language=form.cleaned_data["language"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
        messages.success(
            request,
            _("Document “%(name)s” uploaded (%(type)s).")
            % {"name": document, "type": form.document_type.label},
        )
        return redirect(agreement)
    title = _("Upload a document")
    trail = [
        (_("Agreements"), reverse("partners:agreement_list")),
        (agreement.title, agreement.get_absolute_url()),
        (title, ""),
    ]
    cancel_url = agreement.get_absolute_url()
    return form_page(request, form=form, title=title, cancel_url=cancel_url, trail=trail)


@login_required
@permission_required("partners.view_agreementdocument", raise_exception=True)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _document_for(pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404(_("The file of this document is missing.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("partners.delete_agreementdocument", raise_exception=True)
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(pk)
    agreement = document.agreement
    if request.method == "POST":
        name = str(document)
        delete_document(document=document)
        messages.success(request, _("Document “%(name)s” deleted.") % {"name": name})
        return redirect(agreement)
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": document,
            "cancel_url": agreement.get_absolute_url(),
            "consequences": [
                _("The file will be removed from “%(agreement)s”.") % {"agreement": agreement}
            ],
        },
    )
