"""Helpers for model fields translated with django-modeltranslation (a column per language)."""

from __future__ import annotations

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized(*names: str) -> list[str]:
    """The per-language columns of translated fields, each field's languages together:
    ``localized("title")`` is ``["title_en", "title_hu"]`` (one more per language in settings)."""
    return [build_localized_fieldname(name, code) for name in names for code in language_codes()]
