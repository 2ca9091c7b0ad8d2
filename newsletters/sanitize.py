"""Rich text from staff (stories, edition introductions, item texts) is cleaned with nh3 before it
is stored, so every template may print it with ``|safe``.

The cleaning lives in the model field (:class:`SanitizedHTMLField`), not in the forms, so every
way of writing covers it: staff forms, the Django admin, ``save()``, ``bulk_create()`` and
``QuerySet.update()`` all pass through the field."""

from __future__ import annotations

import re
from typing import Any

import nh3
from django.db import models
from django.utils.html import escape, linebreaks
from modeltranslation.fields import TranslationFieldDescriptor as _Translated

ALLOWED_TAGS = {"p", "a", "strong", "em", "b", "i", "ul", "ol", "li", "h3", "h4", "blockquote"}
ALLOWED_TAGS.add("br")
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Their content is dropped too, not just the tag.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


# A chunk of text that already is a block (a paragraph, a list, a heading, a quote, a list item).
_STARTS_A_BLOCK = re.compile(r"(?i)^</?(?:p|ul|ol|li|h[1-6]|blockquote|div|table)\b")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")  # what is left of a paragraph of a <script>


def paragraphs(value: str) -> str:
    """Blank lines make paragraphs, as staff type them in the story editor: each chunk between
    blank lines that is not already a block becomes a ``<p>``, and a single line break inside one
    a ``<br>``. Blocks written as HTML (``<ul>…</ul>``, ``<p>…</p>``) stay as they are, so the
    result reads the same when cleaned again."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\n" not in text:
        return text
    blocks = []
    for chunk in _BLANK_LINE.split(text):
        if _STARTS_A_BLOCK.match(chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + re.sub(r"[ \t]*\n[ \t]*", "<br>\n", chunk) + "</p>")
    return "\n".join(blocks)


def sanitize_html(value: str) -> str:
    """Paragraphs from blank lines (:func:`paragraphs`), then allowed tags only; links keep
    ``href`` (http, https, mailto) and get ``rel="noopener"``."""
    cleaned = nh3.clean(
        paragraphs(value or ""),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def text_to_html(value: str) -> str:
    """Plain text (a CRM summary) as paragraphs of escaped text."""
    return linebreaks(escape(value or "").strip()) if value and value.strip() else ""


class SanitizedHTMLField(models.TextField):
    """A text field whose value is cleaned with :func:`sanitize_html` on the way to the database.

    ``pre_save`` cleans the instance's value (so the object in memory matches the row after
    ``save()`` and ``bulk_create()``); ``get_db_prep_save`` also covers ``QuerySet.update()``."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = sanitize_html(value)
            if isinstance(getattr(type(model_instance), self.attname, None), _Translated):
                # A translated field's own column (modeltranslation reads it as the current
                # language, falling back to another): assigning through the descriptor would
                # copy the fallback text into the current language's column.
                model_instance.__dict__[self.attname] = value
            else:
                setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, str):
            value = sanitize_html(value)
        return super().get_db_prep_save(value, connection)
