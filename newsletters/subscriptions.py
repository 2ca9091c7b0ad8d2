"""Subscriber lifecycle: subscribe (double opt-in), confirm, preferences, unsubscribe, erase,
export and staff import (the purge of subscriptions nobody confirmed is in ``retention``).

Nothing here reveals whether an address is already known: the caller always answers the same,
and the difference only shows in the email the address itself receives. That email (built in
``emails``) is sent by a task enqueued on commit, never inside the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from cityrelations.core.languages import site_language_codes
from cityrelations.core.tasks import enqueue_on_commit
from partners.models import Theme

from . import tasks
from .emails import is_mail_blocked
from .models import ConsentText, Delivery, Subscriber, Suppression, SuppressionLift, email_hash
from .tokens import rotate_nonce


def normalize_email(email: str) -> str:
    """Trimmed, with the domain in lower case (the local part is the mailbox owner's business)."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


# --- Citizens ---------------------------------------------------------------------------------


@transaction.atomic
def subscriber_subscribe(
    *,
    email: str,
    name: str,
    language: str,
    topics: Iterable[Theme],
    consent_text: ConsentText | None,
    consent_language: str,
    ip: str | None,
    source: str = Subscriber.Source.WEB,
) -> Subscriber | None:
    """Record a subscription request and send the right email; the caller answers the same
    "check your inbox" whatever happened here.

    An active address is left alone and told it is already subscribed. A bounced or complained
    address (on the suppression list for it) is left alone and sent nothing: only staff can lift
    that suppression. Anyone else (new, pending, unsubscribed, erased) becomes pending with fresh
    consent evidence and gets a new confirmation link; an unsubscribe or erasure suppression is
    lifted only when that link is used.
    """
    email = normalize_email(email)
    if is_mail_blocked(email):
        return None
    subscriber = Subscriber.objects.select_for_update().by_email(email).first()
    if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
        enqueue_on_commit(tasks.send_already_subscribed, subscriber.pk)
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.name = name
    subscriber.language = language
    subscriber.status = Subscriber.Status.PENDING
    subscriber.record_consent_text(consent_text, language=consent_language)
    subscriber.consent_at = timezone.now()
    subscriber.consent_ip = ip or None
    subscriber.consent_source = source
    subscriber.consent_evidence = ""
    subscriber.confirmed_at = None
    rotate_nonce(subscriber)  # voids confirmation links sent earlier
    subscriber.save()
    subscriber.topics.set(list(topics))
    enqueue_on_commit(tasks.send_confirmation, subscriber.pk)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Make a pending subscription active. Rotating the nonce makes the link single-use."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    now = timezone.now()
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    rotate_nonce(subscriber)
    subscriber.save()
    # Confirming is a fresh, proven consent: it overrides an earlier unsubscribe or erasure.
    # A bounce or complaint stays until staff lift it, with a reason (suppression_lift).
    Suppression.objects.for_email(subscriber.email).exclude(
        reason__in=Suppression.BLOCKS_ALL_MAIL
    ).delete()
    return subscriber


@transaction.atomic
def subscriber_update_preferences(
    *, subscriber: Subscriber, name: str, language: str, topics: Iterable[Theme]
) -> Subscriber:
    subscriber.name = name
    subscriber.language = language
    subscriber.save(update_fields=["name", "language", "updated_at"])
    subscriber.topics.set(list(topics))
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(
    *, subscriber: Subscriber, reason: str = Suppression.Reason.UNSUBSCRIBED
) -> Subscriber:
    """Idempotent: a second call changes nothing (the first time and reason are kept)."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
    Suppression.objects.get_or_create(
        email_hash=email_hash(subscriber.email), defaults={"reason": reason}
    )
    return subscriber


@transaction.atomic
def suppression_add(*, email: str, reason: str) -> bool:
    """Put an address on the suppression list (staff); a subscriber with that address is
    unsubscribed. True if the address was not suppressed before."""
    _suppression, created = Suppression.objects.get_or_create(
        email_hash=email_hash(email), defaults={"reason": reason}
    )
    subscriber = Subscriber.objects.by_email(email).first()
    if subscriber is not None and subscriber.status in (
        Subscriber.Status.ACTIVE,
        Subscriber.Status.PENDING,
    ):
        subscriber_unsubscribe(subscriber=subscriber, reason=reason)
    return created


class SuppressionNotLiftable(Exception):
    """The address is not on the suppression list for a bounce or a complaint."""


@transaction.atomic
def suppression_lift(*, email: str, reason: str, by: Any) -> SuppressionLift:
    """Let a bounced or complained address be mailed again (staff, with a reason); the lift is
    recorded. The subscriber keeps their status: to receive the newsletter again they subscribe
    and confirm, as anyone does."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required.")
    suppression = (
        Suppression.objects.select_for_update().for_email(email).blocking_all_mail().first()
    )
    if suppression is None:
        raise SuppressionNotLiftable(email)
    lift = SuppressionLift.objects.create(
        email_hash=suppression.email_hash,
        suppression_reason=suppression.reason,
        suppressed_at=suppression.created_at,
        reason=reason,
        lifted_by=by,
        lifted_by_name=by.get_username(),
    )
    suppression.delete()
    return lift


@transaction.atomic
def subscriber_erase(*, subscriber: Subscriber) -> None:
    """Delete the subscriber, its deliveries and its history copies; keep only a hash of the
    address on the suppression list so that we never mail it again."""
    pk = subscriber.pk
    Suppression.objects.get_or_create(
        email_hash=email_hash(subscriber.email), defaults={"reason": Suppression.Reason.ERASED}
    )
    Delivery.objects.filter(subscriber_id=pk).delete()
    subscriber.topics.clear()
    subscriber.delete()
    # After the delete: django-simple-history records the deletion itself as one more copy.
    Subscriber.history.model.objects.filter(id=pk).delete()


def subscriber_export_data(*, subscriber: Subscriber) -> dict[str, Any]:
    """Everything stored about one subscriber, as JSON-ready data (the right of access)."""

    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    deliveries = subscriber.deliveries.select_related("edition").order_by("queued_at")
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "topics": [theme.name for theme in subscriber.topics.all()],
        "status": subscriber.status,
        "created_at": iso(subscriber.created_at),
        "confirmed_at": iso(subscriber.confirmed_at),
        "unsubscribed_at": iso(subscriber.unsubscribed_at),
        "consent": {
            "given_at": iso(subscriber.consent_at),
            "ip": subscriber.consent_ip,
            "source": subscriber.consent_source,
            "evidence": subscriber.consent_evidence,
            "text_version": subscriber.consent_version or None,
            "text_language": subscriber.consent_language or None,
            # As shown at signup, not today's wording or translation of that version.
            "text": subscriber.consent_text_shown or None,
        },
        "deliveries": [
            {
                "edition": delivery.edition.title,
                "month": delivery.edition.month.strftime("%Y-%m"),
                "status": delivery.status,
                "sent_at": iso(delivery.sent_at),
            }
            for delivery in deliveries
        ],
        "history": [
            {
                "date": iso(record.history_date),
                "change": record.history_type,
                "status": record.status,
            }
            for record in subscriber.history.order_by("history_date")
        ],
    }


# --- Staff import -----------------------------------------------------------------------------

IMPORT_COLUMNS = ("email", "name", "language", "topics", "consent_evidence", "consent_date")
IMPORT_MAX_ROWS = 5000


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    activated: int = 0
    pending: int = 0
    skipped_known: int = 0
    skipped_suppressed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _ImportRow:
    line: int
    email: str
    name: str
    language: str
    topics: list[Theme]
    evidence: str
    consent_at: dt.datetime | None


def _parse_import_row(
    line: int, raw: dict[str, str], themes: dict[str, Theme], languages: set[str]
) -> tuple[_ImportRow | None, list[str]]:
    errors: list[str] = []
    value = {key: (raw.get(key) or "").strip() for key in IMPORT_COLUMNS}
    email = normalize_email(value["email"])
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("“%(email)s” is not a valid email address.") % {"email": email[:80]})
    if len(email) > 254:
        errors.append(_("The email address is too long."))
    name = value["name"]
    if len(name) > 120 or "\n" in (raw.get("name") or "") or "\r" in (raw.get("name") or ""):
        errors.append(_("The name is too long or spans several lines."))
    language = value["language"].lower() or settings.LANGUAGE_CODE
    if language not in languages:
        errors.append(_("Unknown language “%(language)s”.") % {"language": language[:10]})
    topics = []
    for label in filter(None, (t.strip().lower() for t in value["topics"].split(";"))):
        if label in themes:
            topics.append(themes[label])
        else:
            errors.append(_("Unknown topic “%(topic)s”.") % {"topic": label[:50]})
    evidence = value["consent_evidence"]
    if len(evidence) > 300:
        errors.append(_("The consent evidence is longer than 300 characters."))
    consent_at = None
    if value["consent_date"]:
        day = parse_date(value["consent_date"]) if len(value["consent_date"]) <= 10 else None
        if day is None:
            errors.append(_("The consent date must be written as YYYY-MM-DD."))
        else:
            consent_at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    if errors:
        return None, errors
    return _ImportRow(line, email, name, language, topics, evidence, consent_at), []


def subscribers_import(*, rows: Iterable[dict[str, str]], by: Any) -> ImportResult:
    """Import subscribers from spreadsheet rows (dicts keyed by :data:`IMPORT_COLUMNS`).

    All or nothing: any invalid row means nothing is saved and every error is listed with its
    line. A row with consent evidence becomes active (source "import"); a row without it only
    gets a confirmation email. Known addresses are left alone; suppressed ones are never
    subscribed by staff (only the person can re-subscribe).
    """
    result = ImportResult()
    themes: dict[str, Theme] = {}
    for theme in Theme.objects.all():
        # A topic may be named in any language (names are unique across languages) or by slug.
        for label in (*theme.names, theme.slug):
            themes[label.lower()] = theme
    languages = set(site_language_codes())
    parsed: list[_ImportRow] = []
    seen: set[str] = set()
    for index, raw in enumerate(rows, start=2):  # line 1 is the header
        if index - 1 > IMPORT_MAX_ROWS:
            result.errors.append((index, _("Too many rows (at most %d).") % IMPORT_MAX_ROWS))
            break
        row, errors = _parse_import_row(index, raw, themes, languages)
        if row is not None and row.email.lower() in seen:
            errors = [_("This address appears twice in the file.")]
        result.errors += [(index, message) for message in errors]
        if row is not None and not errors:
            seen.add(row.email.lower())
            parsed.append(row)
    if result.errors:
        return result
    with transaction.atomic():
        _save_import(parsed, result)
    return result


def _save_import(parsed: list[_ImportRow], result: ImportResult) -> None:
    """Create the new subscribers (known and suppressed addresses are left alone); those
    without consent evidence get a confirmation email once the import is committed."""
    new_rows = _new_import_rows(parsed, result)
    now = timezone.now()
    consent = ConsentText.objects.first()
    created = Subscriber.objects.bulk_create(
        [_imported_subscriber(row, consent=consent, now=now) for row in new_rows]
    )
    Through = Subscriber.topics.through
    Through.objects.bulk_create(
        [
            Through(subscriber_id=subscriber.pk, theme_id=theme.pk)
            for subscriber, row in zip(created, new_rows, strict=True)
            for theme in row.topics
        ]
    )
    for subscriber in created:
        if subscriber.status == Subscriber.Status.ACTIVE:
            result.activated += 1
        else:
            result.pending += 1
            enqueue_on_commit(tasks.send_confirmation, subscriber.pk)


def _new_import_rows(parsed: list[_ImportRow], result: ImportResult) -> list[_ImportRow]:
    """The rows whose address is neither known nor suppressed; the others are counted."""
    known = {
        e.lower()
        for e in Subscriber.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=[row.email.lower() for row in parsed])
        .values_list("email", flat=True)
    }
    suppressed = set(
        Suppression.objects.filter(
            email_hash__in=[email_hash(row.email) for row in parsed]
        ).values_list("email_hash", flat=True)
    )
    new_rows = []
    for row in parsed:
        if row.email.lower() in known:
            result.skipped_known += 1
        elif email_hash(row.email) in suppressed:
            result.skipped_suppressed += 1
        else:
            new_rows.append(row)
    return new_rows


def _imported_subscriber(
    row: _ImportRow, *, consent: ConsentText | None, now: dt.datetime
) -> Subscriber:
    """Active with the row's consent evidence; without it, pending until the person confirms
    by email, under the current consent text in their language."""
    proven = bool(row.evidence)
    subscriber = Subscriber(
        email=row.email,
        name=row.name,
        language=row.language,
        status=Subscriber.Status.ACTIVE if proven else Subscriber.Status.PENDING,
        consent_source=Subscriber.Source.IMPORT,
        consent_evidence=row.evidence,
        consent_at=(row.consent_at or now) if proven else now,
        confirmed_at=None,
    )
    subscriber.record_consent_text(None if proven else consent, language=row.language)
    rotate_nonce(subscriber)
    return subscriber
