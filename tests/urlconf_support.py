"""A fresh copy of the project's URLconf, built under the settings a test chooses.

``cityrelations/urls.py`` decides what to mount when it is imported (the mailbox in debug mode,
the configured ESP's webhook), and the process imports it once. A test that needs another mode
builds its own copy and points ``ROOT_URLCONF`` at it; pytest-django's ``settings`` fixture puts
the real one back afterwards (and Django clears its URL caches both times).
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from typing import Any

import pytest


def load_urlconf(settings: Any, monkeypatch: pytest.MonkeyPatch, **overrides: Any) -> str:
    for name, value in overrides.items():
        setattr(settings, name, value)
    spec = importlib.util.find_spec("cityrelations.urls")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    name = f"tests._urlconf_{uuid.uuid4().hex}"
    monkeypatch.setitem(sys.modules, name, module)
    settings.ROOT_URLCONF = name
    return name
