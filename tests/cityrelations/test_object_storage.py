"""Uploaded files in S3-compatible object storage (MEDIA_STORAGE_URL), against moto's S3 server.

Documents and story images go to the bucket, come back through the app's permission-checked
views byte for byte, and no page or header ever names the bucket.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer
from PIL import Image

from cityrelations.core.storage import media_storage
from cityrelations.mfa.testing import login_verified
from newsletters.models import Edition, Story
from partners.models import AgreementDocument

from ..factories import AgreementFactory, UserFactory
from ..newsletters.factories import EditionFactory, EditionItemFactory
from ..partners.test_documents import pdf_bytes

pytestmark = pytest.mark.django_db

REGION = "eu-central-1"


@pytest.fixture(scope="session")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    def __init__(self, endpoint: str, name: str) -> None:
        self.endpoint = endpoint
        self.name = name
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def public_grants(self, key: str) -> list[dict]:
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [g for g in grants if g["Grantee"].get("Type") == "Group"]


@pytest.fixture
def bucket(settings, monkeypatch, moto_endpoint, tmp_path) -> Bucket:
    """A fresh private bucket, made the default storage the way MEDIA_STORAGE_URL would."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"cr-media-{uuid.uuid4().hex[:12]}"
    created = Bucket(moto_endpoint, name)
    created.client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    url = (
        f"s3://{name}/media?endpoint_url={moto_endpoint}&region={REGION}"
        "&addressing_style=path&acl=private"
    )
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(url)}
    settings.MEDIA_ROOT = tmp_path / "must-stay-empty"
    return created


def _no_bucket_in(bucket: Bucket, response) -> None:
    """Neither the endpoint nor the bucket's name in the body or any header."""
    if response.streaming:
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]  # so the caller can still read it
    else:
        body = response.content
    text = body.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in response.items())
    assert bucket.endpoint not in text
    assert bucket.name not in text
    assert "X-Amz-" not in text  # no presigned address either


def _files_on_disk(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "green").save(buffer, "PNG")
    return buffer.getvalue()


# --- agreement documents ----------------------------------------------------------------------


def _upload_pdf(client, agreement, content: bytes, name: str = "Charter.pdf"):
    return client.post(
        reverse("partners:document_upload", args=[agreement.pk]),
        {"language": "en", "title": "Signed", "file": SimpleUploadedFile(name, content)},
    )


def test_document_goes_to_the_bucket_and_back_through_the_app(
    bucket, staff_client, anonymous_client, client, settings
):
    agreement = AgreementFactory()
    content = pdf_bytes()
    upload = _upload_pdf(staff_client, agreement, content)
    assert upload.status_code == 302
    _no_bucket_in(bucket, upload)
    document = AgreementDocument.objects.get()
    key = f"media/{document.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == content
    assert bucket.public_grants(key) == []  # private: nobody but the owner
    assert _files_on_disk(settings.MEDIA_ROOT) == []

    url = reverse("partners:document_download", args=[document.pk])
    download = staff_client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    _no_bucket_in(bucket, download)
    assert b"".join(download.streaming_content) == content

    detail = staff_client.get(agreement.get_absolute_url())
    assert url in detail.content.decode()
    _no_bucket_in(bucket, detail)

    anonymous = anonymous_client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    client.force_login(UserFactory(username="citizen"))
    assert client.get(url).status_code == 403


def test_admin_pages_never_show_a_bucket_address(bucket, staff_client, client):
    agreement = AgreementFactory()
    _upload_pdf(staff_client, agreement, pdf_bytes())
    document = AgreementDocument.objects.get()
    login_verified(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:partners_agreementdocument_change", args=[document.pk]),
        reverse("admin:partners_agreement_change", args=[agreement.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert document.file.name in page.content.decode()  # the widget did print the file
        _no_bucket_in(bucket, page)
    # What the file widget links to is the unserved MEDIA_URL, as with local disk.
    assert document.file.url == f"/media/{document.file.name}"
    assert staff_client.get(document.file.url).status_code == 404


def test_same_file_name_twice_keeps_both_objects(bucket, staff_client):
    agreement = AgreementFactory()
    first, second = pdf_bytes(), pdf_bytes() + b"%second\n"
    _upload_pdf(staff_client, agreement, first)
    _upload_pdf(staff_client, agreement, second)
    documents = list(AgreementDocument.objects.order_by("pk"))
    assert len({d.file.name for d in documents}) == 2
    assert len(bucket.keys()) == 2
    for document, content in zip(documents, (first, second), strict=True):
        response = staff_client.get(reverse("partners:document_download", args=[document.pk]))
        assert b"".join(response.streaming_content) == content


def test_missing_object_is_a_404_not_a_500(bucket, staff_client):
    _upload_pdf(staff_client, AgreementFactory(), pdf_bytes())
    document = AgreementDocument.objects.get()
    bucket.client.delete_object(Bucket=bucket.name, Key=f"media/{document.file.name}")
    response = staff_client.get(reverse("partners:document_download", args=[document.pk]))
    assert response.status_code == 404
    _no_bucket_in(bucket, response)


def test_deleting_a_document_removes_the_object(
    bucket, staff_client, django_capture_on_commit_callbacks
):
    _upload_pdf(staff_client, AgreementFactory(), pdf_bytes())
    document = AgreementDocument.objects.get()
    assert len(bucket.keys()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("partners:document_delete", args=[document.pk]))
    assert not AgreementDocument.objects.exists()
    assert bucket.keys() == []


# --- story images -----------------------------------------------------------------------------


def _create_story(client, image: bytes):
    return client.post(
        reverse("newsletters:story_create"),
        {
            "title_en": "Green roofs",
            "kind": "best_practice",
            "month": "2026-05",
            "body_en": "<p>Roofs</p>",
            "image": SimpleUploadedFile("roof.png", image, content_type="image/png"),
            "image_alt_en": "A green roof",
        },
    )


def test_story_image_goes_to_the_bucket_and_back_through_the_app(
    bucket, staff_client, anonymous_client, settings
):
    image = _png()
    created = _create_story(staff_client, image)
    assert created.status_code == 302
    story = Story.objects.get()
    key = f"media/{story.image.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == image
    assert bucket.public_grants(key) == []
    assert _files_on_disk(settings.MEDIA_ROOT) == []

    url = reverse("newsletters:story_image", args=[story.pk])
    served = staff_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    _no_bucket_in(bucket, served)
    assert b"".join(served.streaming_content) == image

    for page in (
        staff_client.get(reverse("newsletters:story_list")),
        staff_client.get(reverse("newsletters:story_update", args=[story.pk])),
    ):
        assert page.status_code == 200
        _no_bucket_in(bucket, page)

    # Once in a sent edition, readers of the archive see it through the same view.
    edition = EditionFactory(
        month=dt.date(2026, 5, 1), status=Edition.Status.SENT, sent_at=timezone.now()
    )
    EditionItemFactory(
        edition=edition, kind="story", title=story.title, source_key=f"newsletters.story:{story.pk}"
    )
    public = anonymous_client.get(reverse("newsletters:edition_public", args=["2026-05"]))
    assert url in public.content.decode()
    _no_bucket_in(bucket, public)
    read = anonymous_client.get(url)
    assert read.status_code == 200
    _no_bucket_in(bucket, read)
    assert b"".join(read.streaming_content) == image


def test_deleting_a_story_removes_its_image_from_the_bucket(
    bucket, staff_client, django_capture_on_commit_callbacks
):
    _create_story(staff_client, _png())
    story = Story.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("newsletters:story_delete", args=[story.pk]))
    assert bucket.keys() == []


# --- configuration ----------------------------------------------------------------------------


def test_settings_read_media_storage_url_from_the_environment():
    probe = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    url = "s3://city-media/uploads?endpoint_url=https://s3.example.net&region=eu-west-1"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cityrelations.settings",
        "DJANGO_DEBUG": "true",  # the embedded defaults: no secrets needed to read the settings
        "MEDIA_STORAGE_URL": url,
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout.strip().splitlines()[-1])
    assert configured == media_storage(url, spool_bytes=django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE)


def test_empty_url_means_local_disk():
    assert media_storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_url_becomes_private_s3_options():
    config = media_storage(
        "s3://city-media/uploads/?endpoint_url=https://s3.example.net&region=eu-west-1",
        spool_bytes=1024,
    )
    assert config["BACKEND"] == "cityrelations.core.storage_s3.PrivateS3Storage"
    assert config["OPTIONS"] == {
        "bucket_name": "city-media",
        "location": "uploads",
        "file_overwrite": False,
        "max_memory_size": 1024,
        "endpoint_url": "https://s3.example.net",
        "region_name": "eu-west-1",
    }


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://city-media.s3.example.net", "must start with s3://"),
        ("s3://KEY:SECRET@city-media", "must not contain credentials"),
        ("s3://?region=eu-west-1", "names no bucket"),
        ("s3://city-media?policy=public", "unknown parameter 'policy'"),
        ("s3://city-media?acl=public-read", "would not keep the files private"),
        ("s3://city-media?acl=authenticated-read", "would not keep the files private"),
    ],
)
def test_bad_urls_are_refused_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(url)
