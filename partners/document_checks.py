"""Agreement documents: what may be uploaded, checked by content, never by name (storing and
removing the files is ``partners/documents.py``).

Only PDF, Word (DOCX) and OpenDocument text (ODT) files are accepted, up to
``settings.DOCUMENT_MAX_BYTES``: a PDF must open in a real parser (pypdf) with at least one page;
a DOCX/ODT must be a ZIP of the expected structure whose declared unpacked size is bounded. The file name the user chose is only kept as a readable stem; the
extension stored on disk follows the detected content, so a PDF named ``report.docx`` is served as
``report.pdf`` with ``application/pdf``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from pypdf import PdfReader

from cityrelations.core.archives import ArchiveRefused, check_zip

PDF_MAGIC = b"%PDF-"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
DOCX_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
DOCX_MAIN_PART_TYPE = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main"
)
# Bounds on what a DOCX/ODT may unpack to: text documents compress 5-20 times, images not at all.
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    extension: str
    label: str


PDF = DocumentType("application/pdf", "pdf", "PDF")
DOCX = DocumentType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX"
)
ODT = DocumentType(ODT_MIMETYPE.decode(), "odt", "ODT")
TYPE_LABELS = {kind.content_type: kind.label for kind in (PDF, DOCX, ODT)}


def _zip_document_type(handle: IO[bytes]) -> DocumentType | None:
    """DOCX or ODT by the archive's structure. The declared sizes are checked before anything
    is unpacked (a zip bomb is refused), and only the small entries that name the type are read,
    each with a hard cap."""
    try:
        entries = check_zip(handle, max_total=ZIP_MAX_UNCOMPRESSED, max_ratio=ZIP_MAX_RATIO)
    except ArchiveRefused:
        return None
    by_name = {entry.filename: entry for entry in entries}
    try:
        with zipfile.ZipFile(handle) as archive:
            mimetype = entries[0] if entries and entries[0].filename == "mimetype" else None
            if (
                mimetype is not None
                and mimetype.file_size <= 200
                and archive.read(mimetype).strip() == ODT_MIMETYPE
                and "content.xml" in by_name
            ):
                return ODT
            types = by_name.get("[Content_Types].xml")
            if (
                types is not None
                and types.file_size <= 1024 * 1024
                and DOCX_MAIN_PART_TYPE in archive.read(types)
                and all(part in by_name for part in DOCX_REQUIRED_PARTS)
            ):
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    return None


def _is_readable_pdf(handle: IO[bytes]) -> bool:
    """Whether a PDF parser can open the file and find its pages: magic bytes are not enough."""
    try:
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return False
        return len(reader.pages) > 0
    except Exception:  # pypdf raises many kinds (and RecursionError) for a damaged file
        return False


def detect_document_type(handle: IO[bytes]) -> DocumentType | None:
    """The document type of the bytes in ``handle`` (rewound afterwards), or None."""
    handle.seek(0)
    head = handle.read(len(PDF_MAGIC))
    handle.seek(0)
    found: DocumentType | None = None
    if head == PDF_MAGIC:
        found = PDF if _is_readable_pdf(handle) else None
    elif head.startswith(b"PK"):
        found = _zip_document_type(handle)
    handle.seek(0)
    return found


def validate_document_upload(upload: UploadedFile) -> DocumentType:
    """Refuse anything that is not a PDF, DOCX or ODT by content, or that is too large."""
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; documents may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    handle = upload.file
    kind = detect_document_type(handle) if handle is not None else None
    if kind is None:
        raise ValidationError(
            _(
                "This file is not a PDF, Word (DOCX) or OpenDocument text (ODT) document. "
                "Its content was checked, not its name: save or export it in one of these "
                "formats and upload it again."
            ),
            code="unsupported_type",
        )
    return kind


def stored_filename(original: str, kind: DocumentType) -> str:
    """A safe file name whose extension matches the detected content."""
    stem = slugify(PurePath(original or "").stem)[:80] or "document"
    return get_valid_filename(f"{stem}.{kind.extension}")
