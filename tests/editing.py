"""Posting an edit form as the browser would: with the version the form carries."""

from __future__ import annotations

from typing import Any

from django.db import models


def with_version(data: dict[str, Any], obj: models.Model) -> dict[str, Any]:
    """``data`` plus the hidden ``version`` of an edit form of ``obj`` opened now (read from the
    database, so it is the current one: the post is not stale)."""
    manager = type(obj)._base_manager
    version = manager.filter(pk=obj.pk).values_list("version", flat=True).get()
    return {**data, "version": version}
