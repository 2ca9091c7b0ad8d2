"""Agreement documents: content-checked uploads, permission-checked downloads, deletion."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from partners.document_checks import DOCX, ODT, PDF, detect_document_type, stored_filename
from partners.models import AgreementDocument

from ..factories import AgreementFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- real small documents -------------------------------------------------------------------


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Twinning charter</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # ODF requires "mimetype" first and stored uncompressed.
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<office:document-content "
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            "<office:body><office:text><text:p>Memorandum</text:p></office:text></office:body>"
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def fake_pdf_bytes() -> bytes:
    """The magic bytes a five-byte check looked for, then garbage."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 8


def truncated_pdf_bytes() -> bytes:
    data = pdf_bytes()
    return data[: len(data) // 2]


def zip_bomb_docx_bytes(megabytes: int = 8) -> bytes:
    """A DOCX with every required part, plus an entry declaring ``megabytes`` MB of zeros
    compressed about 1000:1 (a few KB on the wire)."""
    buffer = io.BytesIO(docx_bytes())
    zeros = b"\0" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(zeros)
    return buffer.getvalue()


def docx_with_wrong_content_types() -> bytes:
    """The part names of a DOCX, but [Content_Types].xml does not declare a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
        archive.writestr("word/other.xml", "<x/>")
    return buffer.getvalue()


EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
)


def _files_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _upload(client, agreement, name: str, content: bytes, language: str = "en", title: str = ""):
    return client.post(
        reverse("partners:document_upload", args=[agreement.pk]),
        {"language": language, "title": title, "file": SimpleUploadedFile(name, content)},
    )


# --- detection ------------------------------------------------------------------------------


def test_detection_by_content():
    assert detect_document_type(io.BytesIO(pdf_bytes())) == PDF
    assert detect_document_type(io.BytesIO(docx_bytes())) == DOCX
    assert detect_document_type(io.BytesIO(odt_bytes())) == ODT
    assert detect_document_type(io.BytesIO(plain_zip_bytes())) is None
    assert detect_document_type(io.BytesIO(EXE_BYTES)) is None
    assert detect_document_type(io.BytesIO(b"PK\x03\x04 truncated")) is None
    assert detect_document_type(io.BytesIO(b"")) is None
    assert detect_document_type(io.BytesIO(fake_pdf_bytes())) is None
    assert detect_document_type(io.BytesIO(truncated_pdf_bytes())) is None
    assert detect_document_type(io.BytesIO(docx_with_wrong_content_types())) is None


def test_a_zip_bomb_docx_is_refused_from_its_table_of_contents(monkeypatch):
    data = zip_bomb_docx_bytes()
    assert len(data) < 64 * 1024
    declared = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared > 8 * 1024 * 1024  # compressed about 1000:1
    assert detect_document_type(io.BytesIO(data)) is None
    # the total unpacked size is bounded too, whatever the ratio
    assert detect_document_type(io.BytesIO(odt_bytes())) == ODT
    monkeypatch.setattr("partners.document_checks.ZIP_MAX_UNCOMPRESSED", 200)
    assert detect_document_type(io.BytesIO(odt_bytes())) is None


def test_an_odt_without_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert detect_document_type(io.BytesIO(buffer.getvalue())) is None


def test_stored_name_follows_the_content():
    assert stored_filename("Charta ÁÉ final.docx", PDF) == "charta-ae-final.pdf"
    assert stored_filename("../../etc/passwd", ODT) == "passwd.odt"
    assert stored_filename("", DOCX) == "document.docx"


# --- uploads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [
        ("charter.pdf", pdf_bytes(), "application/pdf", ".pdf"),
        (
            "charter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        ("charter.odt", odt_bytes(), "application/vnd.oasis.opendocument.text", ".odt"),
        # The content decides: a real PDF with the wrong name is stored as a PDF.
        ("charter.docx", pdf_bytes(), "application/pdf", ".pdf"),
    ],
)
def test_real_documents_are_accepted(
    staff_client, staff_user, settings, name, content, content_type, extension
):
    agreement = AgreementFactory()
    response = _upload(staff_client, agreement, name, content, language="hu", title="Signed")
    assert response.status_code == 302
    assert response.url == agreement.get_absolute_url()
    document = AgreementDocument.objects.get(agreement=agreement)
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.language == "hu"
    assert document.uploaded_by == staff_user
    assert document.file.name.endswith(extension)
    stored = Path(settings.MEDIA_ROOT) / document.file.name
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.pdf", b"This is plain text pretending to be a PDF.", "not a PDF"),
        ("setup.docx", EXE_BYTES, "not a PDF"),
        ("archive.docx", plain_zip_bytes(), "not a PDF"),
        ("fake.pdf", fake_pdf_bytes(), "not a PDF"),
        ("truncated.pdf", truncated_pdf_bytes(), "not a PDF"),
        ("bomb.docx", zip_bomb_docx_bytes(), "not a PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_content_is_refused_beside_the_field(staff_client, settings, name, content, message):
    agreement = AgreementFactory()
    response = _upload(staff_client, agreement, name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert message in errors[0]
    assert message in response.content.decode()
    assert not AgreementDocument.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_oversized_file_is_refused(staff_client, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    agreement = AgreementFactory()
    content = pdf_bytes() + b"%" + b"x" * 2048
    response = _upload(staff_client, agreement, "big.pdf", content)
    assert response.status_code == 200
    assert "at most 1.0" in response.context["form"].errors["file"][0]
    assert not AgreementDocument.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_language_is_required_and_checked(staff_client, settings):
    agreement = AgreementFactory()
    response = _upload(staff_client, agreement, "a.pdf", pdf_bytes(), language="klingon")
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not AgreementDocument.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_mayor_cannot_upload(mayor_client, settings):
    agreement = AgreementFactory()
    url = reverse("partners:document_upload", args=[agreement.pk])
    assert mayor_client.get(url).status_code == 403
    assert _upload(mayor_client, agreement, "a.pdf", pdf_bytes()).status_code == 403
    assert not AgreementDocument.objects.exists()
    assert _files_under(settings.MEDIA_ROOT) == []


def test_anonymous_cannot_upload(anonymous_client):
    agreement = AgreementFactory()
    response = _upload(anonymous_client, agreement, "a.pdf", pdf_bytes())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not AgreementDocument.objects.exists()


def test_upload_page_and_missing_agreement(staff_client):
    agreement = AgreementFactory()
    page = staff_client.get(reverse("partners:document_upload", args=[agreement.pk]))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert staff_client.get(reverse("partners:document_upload", args=[999999])).status_code == 404


# --- downloads ------------------------------------------------------------------------------


@pytest.fixture
def stored_pdf(staff_client):
    agreement = AgreementFactory()
    _upload(staff_client, agreement, "Charter.pdf", pdf_bytes(), title="Signed original")
    return AgreementDocument.objects.get(agreement=agreement)


def test_anonymous_download_redirects_to_login(anonymous_client, stored_pdf):
    response = anonymous_client.get(reverse("partners:document_download", args=[stored_pdf.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["staff_client", "mayor_client"])
def test_staff_of_either_role_downloads(request, persona, stored_pdf):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("partners:document_download", args=[stored_pdf.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="signed-original.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(body)).pages) == 1


def test_documents_are_not_served_from_media_url(staff_client, stored_pdf, settings):
    response = staff_client.get(settings.MEDIA_URL + stored_pdf.file.name)
    assert response.status_code == 404


def test_download_of_missing_file_or_row_is_404(staff_client, stored_pdf):
    stored_pdf.file.storage.delete(stored_pdf.file.name)
    assert (
        staff_client.get(reverse("partners:document_download", args=[stored_pdf.pk])).status_code
        == 404
    )
    assert staff_client.get(reverse("partners:document_download", args=[999999])).status_code == 404


def test_detail_lists_documents_with_download_links(mayor_client, stored_pdf):
    response = mayor_client.get(stored_pdf.agreement.get_absolute_url())
    content = response.content.decode()
    assert reverse("partners:document_download", args=[stored_pdf.pk]) in content
    assert "Signed original" in content
    assert reverse("partners:document_delete", args=[stored_pdf.pk]) not in content


# --- deletion -------------------------------------------------------------------------------


def test_mayor_cannot_delete_a_document(mayor_client, stored_pdf):
    url = reverse("partners:document_delete", args=[stored_pdf.pk])
    assert mayor_client.get(url).status_code == 403
    assert mayor_client.post(url).status_code == 403
    assert AgreementDocument.objects.filter(pk=stored_pdf.pk).exists()


def test_delete_document_after_confirmation(
    staff_client, stored_pdf, settings, django_capture_on_commit_callbacks
):
    url = reverse("partners:document_delete", args=[stored_pdf.pk])
    page = staff_client.get(url)
    assert b"This cannot be undone" in page.content
    path = Path(settings.MEDIA_ROOT) / stored_pdf.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url)
    assert response.url == stored_pdf.agreement.get_absolute_url()
    assert not AgreementDocument.objects.filter(pk=stored_pdf.pk).exists()
    assert not path.exists()


def test_deleting_an_agreement_removes_its_files(
    staff_client, stored_pdf, settings, django_capture_on_commit_callbacks
):
    path = Path(settings.MEDIA_ROOT) / stored_pdf.file.name
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("partners:agreement_delete", args=[stored_pdf.agreement_id]))
    assert not AgreementDocument.objects.exists()
    assert not path.exists()


def test_logged_in_user_without_a_role_cannot_download(client, stored_pdf):
    client.force_login(UserFactory(username="citizen"))
    response = client.get(reverse("partners:document_download", args=[stored_pdf.pk]))
    assert response.status_code == 403
