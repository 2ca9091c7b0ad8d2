"""The newsletter email: subject, plain text and HTML, and the message with its list headers.

The templates are ``emails/editions/edition_subject.txt``, ``edition.txt`` and ``edition.html``,
rendered by ``cityrelations.core.mail`` like every other email (the staff test copy is a plain
``make_message``). For subscribers an edition is rendered once per
language (cached on the edition instance a batch task holds); only the subscriber's own signed
links are put in per message, so a batch of a hundred messages costs two template renders, not
two hundred. The HTML is a table layout with inline CSS for email clients (the site's CSP
governs web pages, not mail), with no scripts, no images, no tracking pixels and no rewritten
links.
"""

from __future__ import annotations

import html as html_lib
import re
from email.generator import BytesGenerator
from email.utils import make_msgid, parseaddr
from io import BytesIO

import nh3
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from cityrelations.core.languages import language_url, site_language
from cityrelations.core.mail import make_message, message_from_parts, render_email

from ..models import Edition, Subscriber
from ..tokens import absolute_url, preferences_url, unsubscribe_url

# Stand-ins for the per-subscriber links in the cached render; they survive autoescaping.
UNSUBSCRIBE_STAND_IN = "0CRUNSUBSCRIBEURL0"
PREFERENCES_STAND_IN = "0CRPREFERENCESURL0"
_CACHE_ATTR = "_newsletter_render_cache"


def mail_domain() -> str:
    """The domain of the sender address: used for Message-IDs and the List-Id."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def list_id() -> str:
    return f"{settings.UNIT_NAME} <newsletter.{mail_domain()}>"


def archive_url(edition: Edition, language: str) -> str:
    """The web version in ``language`` (the reader's), whatever their browser prefers."""
    try:
        path = reverse("newsletters:edition_public", args=[edition.month.strftime("%Y-%m")])
    except NoReverseMatch:  # the public archive is not wired in (yet): no link rather than a 500
        return ""
    return absolute_url(language_url(path, language))


# Remote images in mail are how readers get tracked: the email carries no <img> at all.
_EMAIL_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "picture", "source", "video", "audio"}


def email_html(value: str) -> str:
    """Stored rich text as the email's HTML part shows it (the web version shows it as stored)."""
    return mark_safe(nh3.clean(value or "", tags=_EMAIL_TAGS))  # nh3 output is safe markup


# Line breaks the source has around block tags are layout, not text.
_AROUND_BLOCKS = re.compile(r"(?i)\s*(</?(?:p|ul|ol|li|h[1-6]|blockquote|div|br)\b[^>]*>)\s*")
_PARAGRAPH_END = re.compile(r"(?i)</(?:p|ul|ol|h[1-6]|blockquote|div)>")


def email_text(value: str) -> str:
    """Stored rich text as the email's plain-text part: a blank line between paragraphs (and
    around a list), one line per list item ("- item"), a line break where ``<br>`` was."""
    text = _AROUND_BLOCKS.sub(r"\1", value or "")
    text = _PARAGRAPH_END.sub("\n\n", text)
    text = re.sub(r"(?i)<li\b[^>]*>", "- ", re.sub(r"(?i)<br\s*/?>|</li>", "\n", text))
    text = re.sub(r"(?i)<(?:ul|ol)\b[^>]*>", "\n\n", text)
    text = html_lib.unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def edition_context(edition: Edition, *, language: str, test_copy: bool) -> dict[str, object]:
    """What ``emails/editions/edition*`` show, in ``language``; ``core.mail`` adds the unit and
    the city. A subscriber's copy carries stand-ins for their links; a staff test copy has none."""
    with translation.override(language):
        items = [
            {"title": item.title, "html": email_html(item.body), "text": email_text(item.body)}
            for item in edition.items.all()
        ]
        return {
            "edition": edition,
            "introduction_html": email_html(edition.introduction),
            "introduction_text": email_text(edition.introduction),
            "items": items,
            "archive_url": archive_url(edition, language),
            "test_copy": test_copy,
            "unsubscribe_url": "" if test_copy else UNSUBSCRIBE_STAND_IN,
            "preferences_url": "" if test_copy else PREFERENCES_STAND_IN,
        }


def rendered_templates(edition: Edition, *, language: str, test_copy: bool) -> tuple[str, str, str]:
    """``(subject, text, html)`` rendered once per edition instance, language and kind of copy;
    a subscriber's copy has the link stand-ins, for :func:`render_edition` and ``.raw``."""
    cache: dict[tuple[str, bool], tuple[str, str, str]] = edition.__dict__.setdefault(
        _CACHE_ATTR, {}
    )
    key = (language, test_copy)
    if key not in cache:
        context = edition_context(edition, language=language, test_copy=test_copy)
        subject, text, body = render_email("editions/edition", context=context, language=language)
        cache[key] = (subject, str(text), str(body))
    return cache[key]


def render_edition(
    edition: Edition, *, subscriber: Subscriber | None = None, language: str = "en"
) -> tuple[str, str, str]:
    """``(subject, text, html)`` of an edition; for a subscriber, in their language and with
    their own unsubscribe and preferences links. Without one it is a staff test copy."""
    language = site_language(subscriber.language if subscriber is not None else language)
    subject, text, body = rendered_templates(
        edition, language=language, test_copy=subscriber is None
    )
    if subscriber is not None:
        unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
        text = text.replace(UNSUBSCRIBE_STAND_IN, unsubscribe).replace(
            PREFERENCES_STAND_IN, preferences
        )
        body = body.replace(UNSUBSCRIBE_STAND_IN, escape(unsubscribe)).replace(
            PREFERENCES_STAND_IN, escape(preferences)
        )
    return subject, text, body


def build_message(
    *,
    edition: Edition,
    subscriber: Subscriber,
    connection: BaseEmailBackend | None,
) -> EmailMultiAlternatives:
    """The message for one subscriber, with RFC 8058 one-click unsubscribe headers and our own
    Message-ID (read it back from ``message.extra_headers["Message-ID"]``)."""
    subject, text, body = render_edition(edition, subscriber=subscriber)
    headers = {
        "Message-ID": make_msgid(domain=mail_domain()),
        "List-Id": list_id(),
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message_from_parts(
        subject=subject,
        text=text,
        html=body,
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )


def build_test_message(
    *, edition: Edition, to: str, language: str, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """A staff preview in ``language`` (the staff member's): the same templates, marked as a
    test, without anyone's links."""
    language = site_language(language)
    return make_message(
        "editions/edition",
        to=[to],
        context=edition_context(edition, language=language, test_copy=True),
        language=language,
        headers={"Message-ID": make_msgid(domain=mail_domain()), "List-Id": list_id()},
        connection=connection,
    )


def message_bytes(message: EmailMessage) -> bytes:
    """The message as Django's SMTP backend puts it on the wire (its ``as_bytes`` with CRLF
    line ends, which the type stubs of a later Django do not know)."""
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(message.message(), linesep="\r\n")
    return out.getvalue()
