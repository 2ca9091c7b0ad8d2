"""Where uploaded files (agreement documents, story images) live.

Local disk under ``MEDIA_ROOT`` by default. With ``MEDIA_STORAGE_URL`` set, an S3-compatible
bucket, so that every web process (on any machine) sees the same files::

    MEDIA_STORAGE_URL=s3://<bucket>[/<prefix>]?endpoint_url=https://…&region=…

Credentials are never part of the URL: boto3 reads ``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY`` (or an instance role, or a profile) from the environment.

Either way the files are only reached through the app's permission-checked views, which stream
them from ``storage.open()``. The bucket stays private: new objects get no grant (S3's default is
private; ``acl=private`` sends that canned ACL explicitly for services that want it, and a public
ACL is refused), and :class:`~cityrelations.core.storage_s3.PrivateS3Storage` never hands out a bucket
address, plain or presigned, so no page (Django's file widgets print ``.url``) can leak one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "cityrelations.core.storage_s3.PrivateS3Storage"  # imports boto3: only when used

# Query parameters of MEDIA_STORAGE_URL -> S3Storage options.
S3_URL_PARAMETERS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
    "acl": "default_acl",
}
# Buckets with S3's "bucket owner enforced" ownership (AWS's default) refuse any other ACL, so
# none is sent unless asked for; one that would open the files to others is refused outright.
PRIVATE_ACLS = ("private", "bucket-owner-full-control")


def media_storage(url: str, *, spool_bytes: int = 2_621_440) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry for ``MEDIA_STORAGE_URL`` (empty: local disk).

    ``spool_bytes``: a file read from the bucket is kept in memory up to this size, then spilled
    to a temporary file (django-storages' default keeps every file wholly in memory).
    """
    if not url:
        return {"BACKEND": FILESYSTEM_BACKEND}
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL must start with s3:// (got {parts.scheme or 'no'} scheme)."
        )
    if "@" in parts.netloc:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL must not contain credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY in the environment instead."
        )
    if not parts.netloc:
        raise ImproperlyConfigured("MEDIA_STORAGE_URL names no bucket: s3://<bucket>?…")
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # Two uploads named "photo.jpg" must not replace each other (disk storage renames too).
        "file_overwrite": False,
        "max_memory_size": spool_bytes,
    }
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in S3_URL_PARAMETERS:
            allowed = ", ".join(sorted(S3_URL_PARAMETERS))
            raise ImproperlyConfigured(
                f"MEDIA_STORAGE_URL: unknown parameter {key!r} (allowed: {allowed})."
            )
        if key == "acl" and value not in PRIVATE_ACLS:
            raise ImproperlyConfigured(
                f"MEDIA_STORAGE_URL: acl={value} would not keep the files private "
                f"(allowed: {', '.join(PRIVATE_ACLS)})."
            )
        options[S3_URL_PARAMETERS[key]] = value
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
