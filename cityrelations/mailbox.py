"""Embedded-mode email: one ``.eml`` file per message under ``var/mail/``, read at /mailbox/.

The mailbox exists in debug mode only (``cityrelations/urls.py`` mounts it, a system check
refuses this backend otherwise). Even there it holds password resets and notifications, so a
reader sees only what is theirs: mail addressed to their own account's address, and, for the
diplomacy unit, mail to addresses of no account at all (citizens: confirmations, editions) so
that the demo's newsletter journey can be followed. Mail to another account is never shown.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models.functions import Lower
from django.utils import timezone

from cityrelations.core.roles import is_diplomacy_unit

BACKEND = "cityrelations.mailbox.MailboxBackend"


def mailbox_dir() -> Path:
    path = Path(settings.MAILBOX_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def mailbox_enabled() -> bool:
    """Debug mode with this backend: checked at request time as well as when mounting."""
    return bool(settings.DEBUG) and settings.EMAIL_BACKEND == BACKEND


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mailbox_dir()
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            # Django 5.2's message() takes ``linesep`` (django-stubs 6 describes Django 6's).
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            sent += 1
        return sent


@dataclass(frozen=True)
class StoredMessage:
    path: Path
    headers: ParsedMessage

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def recipients(self) -> set[str]:
        fields = [str(v) for key in ("To", "Cc") for v in self.headers.get_all(key, [])]
        return {address.lower() for _, address in getaddresses(fields) if address}

    def full(self) -> ParsedMessage:
        return read_message(self.path)


def read_message(path: Path, *, headers_only: bool = False) -> ParsedMessage:
    parser = email.parser.BytesParser(policy=email.policy.default)
    with path.open("rb") as handle:
        return parser.parse(handle, headersonly=headers_only)


class MailboxReader:
    """What one user may read: built once per request (one query for the account addresses)."""

    def __init__(self, user: Any) -> None:
        self.own = (user.email or "").strip().lower()
        self.sees_citizens = is_diplomacy_unit(user)
        accounts = get_user_model().objects.exclude(email="").annotate(address=Lower("email"))
        self.account_addresses = {a.strip() for a in accounts.values_list("address", flat=True)}

    def may_read(self, recipients: set[str]) -> bool:
        if not recipients:
            return False
        if self.own and self.own in recipients:
            return True
        return self.sees_citizens and not (recipients & self.account_addresses)

    def messages(self) -> list[StoredMessage]:
        """Readable messages, newest first."""
        paths = sorted(mailbox_dir().glob("*.eml"), reverse=True)
        return [m for m in _stored(paths) if self.may_read(m.recipients)]

    def message(self, name: str) -> StoredMessage | None:
        if "/" in name or "\\" in name or not name.endswith(".eml"):
            return None
        path = mailbox_dir() / name
        if not path.is_file():
            return None
        stored = StoredMessage(path, read_message(path, headers_only=True))
        return stored if self.may_read(stored.recipients) else None


def _stored(paths: Iterable[Path]) -> Iterable[StoredMessage]:
    for path in paths:
        yield StoredMessage(path, read_message(path, headers_only=True))
