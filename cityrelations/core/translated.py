"""Helpers for model fields translated with django-modeltranslation (a column per language)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname, resolution_order

from .languages import site_language_codes


def localized(*names: str) -> list[str]:
    """The per-language columns of translated fields, each field's languages together:
    ``localized("title")`` is ``["title_en", "title_hu"]`` (one more per language in settings)."""
    return [
        build_localized_fieldname(name, code) for name in names for code in site_language_codes()
    ]


def language_shown(obj: Any, field: str) -> str | None:
    """The language whose text ``obj.<field>`` shows now: the active language's, or the one
    modeltranslation falls back to (None when every language is empty)."""
    for code in resolution_order(translation.get_language() or settings.LANGUAGE_CODE):
        if getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return None
