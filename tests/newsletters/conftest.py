from __future__ import annotations

import pytest
from django.core.cache import cache

from .factories import ensure_migration_data


@pytest.fixture(autouse=True)
def _empty_cache():
    """The subscribe rate limit counts in the cache; locmem caches outlive a test otherwise."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _migration_data(db):
    """Browser tests flush the database when they end; put the data migration's rows back."""
    ensure_migration_data()
