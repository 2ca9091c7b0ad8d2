"""Rich text from staff (stories, edition introductions, item texts) is cleaned with nh3 before it
is stored, so every template may print it with ``|safe``."""

from __future__ import annotations

import nh3
from django.utils.html import escape, linebreaks

ALLOWED_TAGS = {"p", "a", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Their content is dropped too, not just the tag.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


def sanitize_html(value: str) -> str:
    """Allowed tags only; links keep ``href`` (http, https, mailto) and get ``rel="noopener"``."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def text_to_html(value: str) -> str:
    """Plain text (a CRM summary) as paragraphs of escaped text."""
    return linebreaks(escape(value or "").strip()) if value and value.strip() else ""
