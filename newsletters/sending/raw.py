"""The edition's message as bytes, assembled per subscriber: the SMTP fast path.

Django builds a message by generating its MIME tree and flattening it: about 2 ms of CPU, most of
the cost of a send. For one edition and language everything but a handful of values is the same
in every message, so a batch flattens one message with stand-ins and puts each subscriber's
values into its bytes. The result is the message Django would have built (a test compares them),
except for the Date, the Message-ID and the multipart boundary, which differ per message anyway.
Whenever that could not hold (a long line, a transfer encoding other than 7bit/8bit, an address
or link with unusual characters) the subscriber gets the message from ``build_message``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.urls import reverse

from cityrelations.core.languages import site_language
from cityrelations.core.mail import message_from_parts

from ..models import Edition, Subscriber
from ..tokens import absolute_url, make_token
from .message import (
    PREFERENCES_STAND_IN,
    UNSUBSCRIBE_STAND_IN,
    list_id,
    mail_domain,
    message_bytes,
    rendered_templates,
)

_RAW_CACHE_ATTR = "_newsletter_raw_cache"

_SLOT = "0CRSLOT{}0"
_HEADER_STAND_INS = {  # header -> (value in the flattened template, slot)
    "Date": ("cr-slot-date", "date"),
    "To": ("cr-slot-to@placeholder.invalid", "to"),
    "Message-ID": ("<cr-slot-message-id@placeholder.invalid>", "message_id"),
    "List-Unsubscribe": ("<cr-slot-list-unsubscribe>", "list_unsubscribe"),
}
_BODY_SLOTS = ("unsubscribe_text", "preferences_text", "unsubscribe_html", "preferences_html")
# Addresses Django's sanitize_address() leaves as they are: an ASCII dot-atom at a plain domain.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(
    rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})*"
)
_TOKEN = re.compile(r"[A-Za-z0-9_:-]+")  # what signing produces; reverse() leaves it unquoted
_PLAIN_URL_PART = re.compile(r"[A-Za-z0-9_:/.?=%~+-]*")  # no HTML escaping, no header folding
_MAX_VALUE = 400  # longest link or address the line-length check below allows for
_MAX_LINE = 998  # RFC 5322; Django switches a part to quoted-printable beyond it
_FOLD_AT = 78  # the email package's compat32 header line length


@dataclass(frozen=True)
class RawMessage:
    sender: str
    recipient: str
    data: bytes
    message_id: str


@dataclass(frozen=True)
class _RawTemplate:
    sender: str
    domain: str
    pieces: tuple[bytes, ...]  # literal bytes, with one slot name between each two
    slots: tuple[str, ...]
    links: dict[str, tuple[str, str]]  # purpose -> (before, after) the token


def _header_line(name: str, value: str) -> bytes:
    """One header line as the email package folds a value without spaces or commas: on a line
    of its own when it does not fit on the first one (it cannot be split)."""
    if len(name) + 2 + len(value) <= _FOLD_AT:
        return f"{name}: {value}\r\n".encode()
    return f"{name}: \r\n {value}\r\n".encode()


def _link_parts(view_name: str) -> tuple[str, str]:
    marker = _SLOT.format("token")
    before, after = absolute_url(reverse(view_name, args=[marker])).split(marker)
    return before, after


def _raw_template(edition: Edition, *, language: str) -> _RawTemplate | None:
    """``build_message``'s message for ``language`` flattened once with stand-ins, cut at them;
    None when putting the values in might not give the bytes Django would (see above)."""
    subject, text, body = rendered_templates(edition, language=language, test_copy=False)
    counts = {
        **_slot_counts(text, part="text"),
        **_slot_counts(body, part="html"),
    }
    message = _stand_in_message(
        subject, _with_slots(text, part="text"), _with_slots(body, part="html")
    )
    raw = message_bytes(message)
    head, _blank, rest = raw.partition(b"\r\n\r\n")
    links = {
        "unsubscribe": _link_parts("newsletters:unsubscribe"),
        "preferences": _link_parts("newsletters:preferences"),
    }
    if not _fits(raw, head, rest, counts) or not _plain_links(links):
        return None
    pieces, slots = _cut_at_slots(raw)
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return _RawTemplate(
        sender=sanitize_address(message.from_email, encoding),
        domain=mail_domain(),
        pieces=pieces,
        slots=slots,
        links=links,
    )


def _slot_counts(rendered: str, *, part: str) -> dict[str, int]:
    return {
        f"unsubscribe_{part}": rendered.count(UNSUBSCRIBE_STAND_IN),
        f"preferences_{part}": rendered.count(PREFERENCES_STAND_IN),
    }


def _with_slots(rendered: str, *, part: str) -> str:
    """The render's link stand-ins as the slots of the ``text`` or ``html`` part."""
    rendered = rendered.replace(UNSUBSCRIBE_STAND_IN, _SLOT.format(f"unsubscribe_{part}"))
    return rendered.replace(PREFERENCES_STAND_IN, _SLOT.format(f"preferences_{part}"))


def _stand_in_message(subject: str, text: str, body: str) -> EmailMultiAlternatives:
    """``build_message``'s message, with stand-ins for the values that differ per message."""
    stand_in = {name: value for name, (value, _slot) in _HEADER_STAND_INS.items()}
    headers = {  # build_message's headers, in its order, after the Date Django would add
        "Date": stand_in["Date"],
        "Message-ID": stand_in["Message-ID"],
        "List-Id": list_id(),
        "List-Unsubscribe": stand_in["List-Unsubscribe"],
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message_from_parts(
        subject=subject, text=text, html=body, to=[stand_in["To"]], headers=headers
    )


def _plain_links(links: dict[str, tuple[str, str]]) -> bool:
    """Whether the links and the Message-ID's domain go into the bytes as they are."""
    if not all(_PLAIN_URL_PART.fullmatch(part) for pair in links.values() for part in pair):
        return False
    return bool(re.fullmatch(r"[A-Za-z0-9.-]+", mail_domain()))


def _cut_at_slots(raw: bytes) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """The flattened message as literal pieces, and the name of each slot between two."""
    stand_ins = {
        f"{name}: {value}\r\n".encode(): slot for name, (value, slot) in _HEADER_STAND_INS.items()
    }
    stand_ins |= {_SLOT.format(slot).encode(): slot for slot in _BODY_SLOTS}
    pattern = re.compile(b"|".join(re.escape(stand_in) for stand_in in stand_ins))
    slots = tuple(stand_ins[found] for found in pattern.findall(raw))
    return tuple(pattern.split(raw)), slots


def _fits(raw: bytes, head: bytes, rest: bytes, counts: dict[str, int]) -> bool:
    """Whether putting the values into the flattened stand-ins gives Django's message."""
    encodings = re.findall(rb"Content-Transfer-Encoding: (\S+)", raw)
    if len(encodings) != 2 or not set(encodings) <= {b"7bit", b"8bit"}:
        return False  # a part is quoted-printable or base64: the values would be encoded
    for name, (value, _slot) in _HEADER_STAND_INS.items():
        if head.count(f"\r\n{name}: {value}\r\n".encode()) != 1:
            return False
    for slot, expected in counts.items():
        if rest.count(_SLOT.format(slot).encode()) != expected:
            return False
    for line in rest.split(b"\r\n"):  # the longest a line can grow must stay within the limit
        slots = line.count(b"0CRSLOT")
        if slots and len(line) + slots * _MAX_VALUE > _MAX_LINE:
            return False
    return True


# A worker process sends many batches of one edition: its flattened template is kept between
# batches. An edition's content is frozen once it is sending (only a draft can be edited); the
# key also holds every setting the template depends on, so a changed setting builds it anew.
_PROCESS_TEMPLATES: dict[tuple[object, ...], _RawTemplate | None] = {}
_PROCESS_TEMPLATES_MAX = 8


def _process_raw_template(edition: Edition, *, language: str) -> _RawTemplate | None:
    if edition.status != Edition.Status.SENDING or edition.sending_started_at is None:
        return _raw_template(edition, language=language)
    key = (
        edition.pk,
        edition.sending_started_at,
        edition.updated_at,
        language,
        settings.SITE_URL,
        settings.DEFAULT_FROM_EMAIL,
        mail_domain(),
        list_id(),
    )
    if key not in _PROCESS_TEMPLATES:
        if len(_PROCESS_TEMPLATES) >= _PROCESS_TEMPLATES_MAX:
            _PROCESS_TEMPLATES.clear()
        _PROCESS_TEMPLATES[key] = _raw_template(edition, language=language)
    return _PROCESS_TEMPLATES[key]


def build_raw_message(*, edition: Edition, subscriber: Subscriber) -> RawMessage | None:
    """The subscriber's message as the bytes ``build_message`` would give (see above), or None
    when it must be built by ``build_message``."""
    language = site_language(subscriber.language)
    cache: dict[str, _RawTemplate | None] = edition.__dict__.setdefault(_RAW_CACHE_ATTR, {})
    if language not in cache:
        cache[language] = _process_raw_template(edition, language=language)
    template = cache[language]
    address = subscriber.email
    if template is None or len(address) > _MAX_VALUE or not _PLAIN_ADDRESS.fullmatch(address):
        return None
    links = {}
    for purpose, (before, after) in template.links.items():
        token = make_token(subscriber, purpose)
        if not _TOKEN.fullmatch(token):
            return None
        links[purpose] = before + token + after
        if len(links[purpose]) > _MAX_VALUE - 2:
            return None
    message_id = make_msgid(domain=template.domain)
    unsubscribe, preferences = links["unsubscribe"].encode(), links["preferences"].encode()
    values = {
        "date": _header_line("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        "to": _header_line("To", address),
        "message_id": _header_line("Message-ID", message_id),
        "list_unsubscribe": _header_line("List-Unsubscribe", f"<{links['unsubscribe']}>"),
        "unsubscribe_text": unsubscribe,
        "unsubscribe_html": unsubscribe,  # the plain URL characters need no HTML escaping
        "preferences_text": preferences,
        "preferences_html": preferences,
    }
    pieces = template.pieces
    parts = [pieces[0]]
    for index, slot in enumerate(template.slots, start=1):
        parts.append(values[slot])
        parts.append(pieces[index])
    return RawMessage(template.sender, address, b"".join(parts), message_id)
