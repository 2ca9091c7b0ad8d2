"""A story as readers will see it, before it is saved: its text in each language through the same
cleaning the field applies on save (:func:`newsletters.sanitize.sanitize_html`, what the web
version prints) and the same conversions the newsletter email makes of it
(:func:`newsletters.sending.message.email_html` and ``email_text``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from modeltranslation.utils import build_localized_fieldname

from cityrelations.core.languages import site_languages

from .sanitize import sanitize_html
from .sending.message import email_html, email_text


@dataclass(frozen=True)
class StoryPreview:
    language: str
    language_name: str
    title: str
    html: str  # the web version's and the email's HTML part (the email drops images only)
    text: str  # the email's plain-text part


def story_previews(data: Mapping[str, str]) -> list[StoryPreview]:
    """The posted story in each language that has some text (an empty list when none has)."""
    previews = []
    for code, name in site_languages():
        stored = sanitize_html(data.get(build_localized_fieldname("body", code)) or "")
        if not stored:
            continue
        title = (data.get(build_localized_fieldname("title", code)) or "").strip()
        previews.append(
            StoryPreview(
                language=code,
                language_name=str(name),
                title=title,
                html=email_html(stored),
                text=email_text(stored),
            )
        )
    return previews
