from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The subscribe rate limit counts in the cache; locmem caches outlive a test otherwise."""
    cache.clear()
    yield
    cache.clear()
