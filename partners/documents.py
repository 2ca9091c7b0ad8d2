"""Agreement documents: storing and removing the files, and the name a download carries. What
may be uploaded is decided in ``partners/document_checks.py``, which the model's ``clean`` uses too.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify

from .document_checks import DocumentType, stored_filename
from .models import Agreement, AgreementDocument


def document_store(
    *,
    agreement: Agreement,
    upload: UploadedFile,
    kind: DocumentType,
    language: str,
    title: str,
    by: Any,
) -> AgreementDocument:
    """Save the file and its row together: if the row cannot be written, the file is removed."""
    document = AgreementDocument(
        agreement=agreement,
        language=language,
        title=title,
        content_type=kind.content_type,
        size=upload.size or 0,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    upload.name = stored_filename(upload.name or "", kind)
    try:
        with transaction.atomic():
            document.file.save(upload.name, upload, save=False)
            document.save()
    except Exception:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


def _delete_files(names: list[str]) -> None:

    for name in names:
        if name:
            default_storage.delete(name)


def document_delete(*, document: AgreementDocument) -> None:
    """Delete the row; the file goes once the deletion is committed."""
    names = [document.file.name] if document.file.name else []
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: _delete_files(names))


def agreement_delete(*, agreement: Agreement) -> None:
    """Delete an agreement with its documents and, after commit, their files."""
    names: list[str] = [n for n in agreement.documents.values_list("file", flat=True) if n]
    with transaction.atomic():
        agreement.delete()
        transaction.on_commit(lambda: _delete_files(names))


def download_name(document: AgreementDocument) -> str:
    """The file name offered to the browser: the title when there is one."""
    stored = PurePath(document.file.name or "document")
    if document.title:
        stem = slugify(document.title)[:80]
        if stem:
            return f"{stem}{stored.suffix}"
    return stored.name
