"""The newsletter email: subject, plain text and HTML, and the message with its list headers.

An edition is rendered once per language (cached on the edition instance a batch task holds);
only the subscriber's own signed links are put in per message, so a batch of a hundred messages
costs two template renders, not two hundred. The HTML is a table layout with inline CSS for
email clients (the site's CSP governs web pages, not mail), with no scripts, no images, no
tracking pixels and no rewritten links.
"""

from __future__ import annotations

import html as html_lib
import re
from email.utils import make_msgid, parseaddr

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Edition, Subscriber
from .tokens import absolute_url, preferences_url, unsubscribe_url

# Stand-ins for the per-subscriber links in the cached render; they survive autoescaping.
_UNSUBSCRIBE = "0CRUNSUBSCRIBEURL0"
_PREFERENCES = "0CRPREFERENCESURL0"
_CACHE_ATTR = "_newsletter_render_cache"


def mail_domain() -> str:
    """The domain of the sender address: used for Message-IDs and the List-Id."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def list_id() -> str:
    return f"{settings.UNIT_NAME} <newsletter.{mail_domain()}>"


def archive_url(edition: Edition) -> str:
    try:
        path = reverse("newsletters:edition_public", args=[edition.month.strftime("%Y-%m")])
    except NoReverseMatch:  # the public archive is not wired in (yet): no link rather than a 500
        return ""
    return absolute_url(path)


# Remote images in mail are how readers get tracked: the email carries no <img> at all.
_EMAIL_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "picture", "source", "video", "audio"}


def _clean_html(value: str) -> str:
    return mark_safe(nh3.clean(value or "", tags=_EMAIL_TAGS))  # nh3 output is safe markup


def _as_text(value: str) -> str:
    text = html_lib.unescape(strip_tags(re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\n", value or "")))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _context(edition: Edition, *, test_copy: bool) -> dict[str, object]:
    items = [
        {"title": item.title, "html": _clean_html(item.body), "text": _as_text(item.body)}
        for item in edition.items.all()
    ]
    return {
        "edition": edition,
        "introduction_html": _clean_html(edition.introduction),
        "introduction_text": _as_text(edition.introduction),
        "items": items,
        "archive_url": archive_url(edition),
        "unit_name": settings.UNIT_NAME,
        "home_city": settings.HOME_CITY["name"],
        "test_copy": test_copy,
        "unsubscribe_url": "" if test_copy else _UNSUBSCRIBE,
        "preferences_url": "" if test_copy else _PREFERENCES,
    }


def _render_templates(edition: Edition, *, language: str, test_copy: bool) -> tuple[str, str, str]:
    cache: dict[tuple[str, bool], tuple[str, str, str]] = edition.__dict__.setdefault(
        _CACHE_ATTR, {}
    )
    key = (language, test_copy)
    if key not in cache:
        with translation.override(language):
            context = _context(edition, test_copy=test_copy)
            subject = " ".join(render_to_string("emails/edition_subject.txt", context).split())
            text = str(render_to_string("emails/edition.txt", context))
            body = str(render_to_string("emails/edition.html", context))
        if test_copy:
            subject = f"[TEST] {subject}"
        cache[key] = (subject, text, body)
    return cache[key]


def render_edition(
    edition: Edition, *, subscriber: Subscriber | None = None, language: str = "en"
) -> tuple[str, str, str]:
    """``(subject, text, html)`` of an edition; for a subscriber, in their language and with
    their own unsubscribe and preferences links. Without one it is a staff test copy."""
    if subscriber is not None:
        language = subscriber.language
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    subject, text, body = _render_templates(
        edition, language=language, test_copy=subscriber is None
    )
    if subscriber is not None:
        unsubscribe, preferences = unsubscribe_url(subscriber), preferences_url(subscriber)
        text = text.replace(_UNSUBSCRIBE, unsubscribe).replace(_PREFERENCES, preferences)
        body = body.replace(_UNSUBSCRIBE, escape(unsubscribe)).replace(
            _PREFERENCES, escape(preferences)
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
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(body, "text/html")
    return message


def build_test_message(
    *, edition: Edition, to: str, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """A staff preview: the same rendering, marked as a test, without anyone's links."""
    subject, text, body = render_edition(edition, language=translation.get_language() or "en")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": make_msgid(domain=mail_domain()), "List-Id": list_id()},
        connection=connection,
    )
    message.attach_alternative(body, "text/html")
    return message
