"""The S3 backend for uploaded files (see :mod:`cityrelations.core.storage`); a module of its own so
that the settings and disk-only deployments never import boto3."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """S3Storage that never reveals where the bucket is.

    ``url()`` answers as the disk storage does (``MEDIA_URL`` + name, which the app does not
    serve) instead of a bucket or presigned address: Django's file widgets print ``.url``, and
    the files are only for the app's permission-checked views.
    """

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name or ""))
