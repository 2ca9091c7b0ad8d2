"""The one way to build an email: a subject / text / HTML template triple, rendered in the
recipient's language.

    message = make_message(
        "visits/decided", to=[owner.email], context={"visit": visit}, language=user_language(owner)
    )
    message.send()

``emails/<name>_subject.txt``, ``emails/<name>.txt`` and ``emails/<name>.html`` are rendered
with the context, plus what every email may mention (``site_url``, ``unit_name``,
``home_city``), inside ``translation.override(language)``, so ``{% trans %}``, dates and numbers
follow the reader, not the request that caused the email. The subject is folded to one line.
Every message is made by :func:`message_from_parts`; the newsletter, rendered once per language
for thousands of readers, calls it with parts it rendered through :func:`render_email`.
The language is the recipient's: ``Subscriber.language`` for a subscriber,
``core.languages.user_language(user)`` for staff. Callers never render email templates
themselves; an email a request causes is sent by a Celery task enqueued on commit
(``core.tasks.enqueue_on_commit``), never inside the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .languages import lazy_unit_name


def email_context(context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What every email may mention, under the caller's own context."""
    return {
        "site_url": settings.SITE_URL,
        "unit_name": lazy_unit_name(),
        "home_city": settings.HOME_CITY["name"],
        **(context or {}),
    }


def render_email(
    name: str, *, context: Mapping[str, Any] | None = None, language: str | None = None
) -> tuple[str, str, str]:
    """The (subject, text, html) of ``emails/<name>`` in ``language`` (the site's by default)."""
    full_context = email_context(context)
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", full_context)
        text = render_to_string(f"emails/{name}.txt", full_context)
        html = render_to_string(f"emails/{name}.html", full_context)
    return " ".join(subject.split()), text, html


def make_message(
    name: str,
    *,
    to: Sequence[str],
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    """An unsent message to ``to`` built from the ``emails/<name>`` triple; ``send()`` it."""
    subject, text, html = render_email(name, context=context, language=language)
    return message_from_parts(
        subject=subject,
        text=text,
        html=html,
        to=to,
        from_email=from_email,
        headers=headers,
        connection=connection,
    )


def message_from_parts(
    *,
    subject: str,
    text: str,
    html: str,
    to: Sequence[str],
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    """The one message constructor: ``text`` with ``html`` as its alternative, from
    ``DEFAULT_FROM_EMAIL`` unless told otherwise, ``headers`` in their order. The parts are
    already rendered: by :func:`make_message`, or once per language for many readers by the
    newsletter (its fast path flattens one such message into bytes and reuses them)."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=dict(headers or {}),
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message
