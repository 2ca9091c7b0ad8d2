"""Subscriber lifecycle: subscribe (double opt-in), confirm, preferences, unsubscribe, erase,
export, staff import, and the purge of subscriptions nobody confirmed.

Nothing here reveals whether an address is already known: the caller always answers the same,
and the difference only shows in the email the address itself receives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from partners.models import Theme

from .models import ConsentText, Delivery, Subscriber, Suppression, SuppressionLift, email_hash
from .tokens import confirm_url, preferences_url, rotate_nonce, unsubscribe_url

UNCONFIRMED_RETENTION_DAYS = 14


def normalize_email(email: str) -> str:
    """Trimmed, with the domain in lower case (the local part is the mailbox owner's business)."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def is_mail_blocked(email: str) -> bool:
    """A bounce or a complaint: no email of any kind goes to the address (not even a
    confirmation) until staff lift the suppression."""
    return Suppression.objects.for_email(email).blocking_all_mail().exists()


# --- Email ------------------------------------------------------------------------------------


def _send_subscriber_email(
    *, subscriber: Subscriber, template: str, context: dict[str, Any]
) -> None:
    """``emails/<template>_subject.txt``, ``.txt`` and ``.html``, in the subscriber's language.

    Every email to a subscriber passes here, so this is where a bounced or complained address is
    refused, whichever path asked for the email."""
    if is_mail_blocked(subscriber.email):
        return
    with translation.override(subscriber.language):
        context = {
            "subscriber": subscriber,
            "unit_name": settings.UNIT_NAME,
            "home_city": settings.HOME_CITY["name"],
            **context,
        }
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[subscriber.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_confirmation_email(subscriber: Subscriber) -> None:
    _send_subscriber_email(
        subscriber=subscriber,
        template="subscribe_confirm",
        context={"confirm_url": confirm_url(subscriber)},
    )


def send_already_subscribed_email(subscriber: Subscriber) -> None:
    _send_subscriber_email(
        subscriber=subscriber,
        template="subscribe_already",
        context={
            "preferences_url": preferences_url(subscriber),
            "unsubscribe_url": unsubscribe_url(subscriber),
        },
    )


def _after_commit(func: Any, subscriber_id: int) -> None:
    """Send once the transaction is committed, reading the row as committed."""

    def send() -> None:
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is not None:
            func(subscriber)

    transaction.on_commit(send)


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
        _after_commit(send_already_subscribed_email, subscriber.pk)
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
    _after_commit(send_confirmation_email, subscriber.pk)
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
    Subscriber.history.model.objects.filter(id=pk).delete()  # type: ignore[attr-defined]


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
            for record in subscriber.history.order_by("history_date")  # type: ignore[attr-defined]
        ],
    }


def purge_unconfirmed(*, older_than_days: int = UNCONFIRMED_RETENTION_DAYS) -> int:
    """Delete subscriptions nobody confirmed within the retention period, history included."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    stale = Subscriber.objects.filter(status=Subscriber.Status.PENDING).filter(
        Q(consent_at__lt=cutoff) | Q(consent_at__isnull=True, created_at__lt=cutoff)
    )
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Subscriber.topics.through.objects.filter(subscriber_id__in=ids).delete()
        Subscriber.objects.filter(pk__in=ids).delete()
        Subscriber.history.model.objects.filter(id__in=ids).delete()  # type: ignore[attr-defined]
    return len(ids)


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
        themes[theme.name.lower()] = theme
        themes[theme.slug.lower()] = theme
    languages = {code for code, _label in settings.LANGUAGES}
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
    now = timezone.now()
    consent = ConsentText.objects.first()
    to_create: list[tuple[Subscriber, _ImportRow]] = []
    for row in parsed:
        if row.email.lower() in known:
            result.skipped_known += 1
            continue
        if email_hash(row.email) in suppressed:
            result.skipped_suppressed += 1
            continue
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
        # Without evidence the person confirms by email, under the current text in their language.
        subscriber.record_consent_text(None if proven else consent, language=row.language)
        rotate_nonce(subscriber)
        to_create.append((subscriber, row))
    created = Subscriber.objects.bulk_create([subscriber for subscriber, _row in to_create])
    Through = Subscriber.topics.through
    Through.objects.bulk_create(
        [
            Through(subscriber_id=subscriber.pk, theme_id=theme.pk)
            for subscriber, (_s, row) in zip(created, to_create, strict=True)
            for theme in row.topics
        ]
    )
    for subscriber in created:
        if subscriber.status == Subscriber.Status.ACTIVE:
            result.activated += 1
        else:
            result.pending += 1
            _after_commit(send_confirmation_email, subscriber.pk)
