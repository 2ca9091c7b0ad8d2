"""Texts staff write in each language, on pages in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html

from cityrelations.core.translated import language_shown

register = template.Library()


@register.simple_tag
def lang_of(obj: Any, field: str) -> str:
    """` lang="en"` on an element whose text fell back to another language than the page's
    (so a screen reader reads it with the right voice); nothing when it is the page's own."""
    shown = language_shown(obj, field)
    if shown is None or shown == translation.get_language():
        return ""
    return format_html(' lang="{}"', shown)
