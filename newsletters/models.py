"""Subscribers and their consent, editorial stories, monthly editions and their deliveries.

The sending protocol (DESIGN.md) rests on :class:`Delivery`: one row per (edition, subscriber),
claimed atomically by batch tasks and marked ``sent`` right after the mail server accepts it.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat, Lower
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.formats import format_date
from cityrelations.core.languages import site_language_codes
from cityrelations.core.links import detail_url
from cityrelations.core.queries import count_by
from cityrelations.core.search import ForgivingSearchQuerySet
from partners.models import Theme

from .sanitize import SanitizedHTMLField


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class ConsentText(models.Model):
    """A versioned consent statement shown on the subscribe form; subscribers record the version."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_en = models.TextField(_("text (English)"))
    text_hu = models.TextField(_("text (Hungarian)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self) -> str:
        return self.version

    def text_for(self, language: str) -> str:
        return self.text_hu if language == "hu" else self.text_en


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def active(self) -> SubscriberQuerySet:
        return self.filter(status=Subscriber.Status.ACTIVE)

    def by_email(self, email: str) -> SubscriberQuerySet:
        return self.filter(email__iexact=email.strip())

    def status_counts(self) -> dict[str, int]:
        """Subscribers per status, in one query (a status with none is absent)."""
        return count_by(self, "status")


class Subscriber(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        ACTIVE = "active", _("Active")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        IMPORT = "import", _("Import")
        STAFF = "staff", _("Added by staff")

    email = models.EmailField(_("email"), max_length=254)
    name = models.CharField(_("name"), max_length=120, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="en"
    )
    topics = models.ManyToManyField(Theme, verbose_name=_("topics"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Consent evidence.
    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The statement exactly as the person was shown it (its version and language), kept with the
    # subscriber: the consent text may be reworded or retranslated later, the evidence may not.
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    consent_language = models.CharField(_("consent text language"), max_length=5, blank=True)
    consent_text_shown = models.TextField(_("consent text as shown"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent IP"), null=True, blank=True)
    consent_source = models.CharField(
        _("consent source"), max_length=20, choices=Source.choices, default=Source.WEB
    )
    consent_evidence = models.CharField(
        _("consent evidence"),
        max_length=300,
        blank=True,
        help_text=_("For imports: where and how consent was given."),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Rotated whenever a single-use link is used, which invalidates every earlier link of that kind.
    token_nonce = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The consent text as shown is evidence that never changes once given: no copy per change.
    history = HistoricalRecords(excluded_fields=["token_nonce", "consent_text_shown"])
    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["status", "language"], name="subscriber_status_lang")]

    def __str__(self) -> str:
        return self.email

    def record_consent_text(self, consent_text: ConsentText | None, *, language: str) -> None:
        """Keep the statement shown (in ``language``) as evidence; None clears it."""
        self.consent_text = consent_text
        self.consent_version = consent_text.version if consent_text else ""
        self.consent_language = language if consent_text else ""
        self.consent_text_shown = consent_text.text_for(language) if consent_text else ""


class SuppressionQuerySet(models.QuerySet["Suppression"]):
    def for_email(self, email: str) -> SuppressionQuerySet:
        return self.filter(email_hash=email_hash(email))

    def blocking_all_mail(self) -> SuppressionQuerySet:
        return self.filter(reason__in=Suppression.BLOCKS_ALL_MAIL)

    def reason_counts(self) -> dict[str, int]:
        """Suppressed addresses per reason, in one query (a reason with none is absent)."""
        return count_by(self, "reason")


class Suppression(ChoiceLabels, models.Model):
    """Addresses we must never mail again. Only a hash is kept, so erasure stays honest.

    A bounce or a complaint stops every email, a subscription confirmation included, until staff
    lift it (:class:`SuppressionLift`). After an unsubscribe or an erasure the person may still
    subscribe again and is sent the confirmation they asked for."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")
        ERASED = "erased", _("Erased on request")

    BLOCKS_ALL_MAIL = (Reason.BOUNCED, Reason.COMPLAINED)

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({self.get_reason_display()})"


class SuppressionLift(ChoiceLabels, models.Model):
    """A bounce or complaint suppression that staff lifted: who, when, why (kept for good)."""

    email_hash = models.CharField(max_length=64, db_index=True)
    suppression_reason = models.CharField(
        _("was suppressed as"), max_length=20, choices=Suppression.Reason.choices
    )
    suppressed_at = models.DateTimeField(_("suppressed since"))
    reason = models.TextField(_("reason for lifting"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    lifted_by_name = models.CharField(_("lifted by"), max_length=150)
    lifted_at = models.DateTimeField(_("lifted"), auto_now_add=True)

    class Meta:
        ordering = ["-lifted_at"]
        verbose_name = _("lifted suppression")
        verbose_name_plural = _("lifted suppressions")

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({format_date(timezone.localtime(self.lifted_at).date())})"


class StoryQuerySet(ForgivingSearchQuerySet["Story"]):
    # The title in both languages (modeltranslation's columns), as the story list searches.
    search_fields = ("title_en", "title_hu")

    def in_sent_edition(self) -> StoryQuerySet:
        """Stories that appear (included) in an edition already sent: what the public may see.
        An edition item names its story by ``source_key`` "newsletters.story:<pk>"."""
        items = EditionItem.objects.filter(
            edition__status=Edition.Status.SENT,
            source_key=Concat(
                Value("newsletters.story:"), Cast(OuterRef("pk"), models.CharField())
            ),
        )
        return self.filter(Exists(items))


class Story(Versioned, ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        BEST_PRACTICE = "best_practice", _("Best practice")
        URBAN_INNOVATION = "urban_innovation", _("Urban innovation")
        NEWS = "news", _("News")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    month = models.DateField(_("month"), help_text=_("The first day of the month it belongs to."))
    body = SanitizedHTMLField(_("text"), help_text=_("Sanitised HTML."))
    image = models.ImageField(_("image"), upload_to="stories/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # ``history``: registered in translation.py, after the texts get a column per language.
    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "title"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title


class EditionQuerySet(models.QuerySet["Edition"]):
    def sent(self) -> EditionQuerySet:
        """Editions that went out: the public archive and its feed show these, and only these."""
        return self.filter(status=Edition.Status.SENT)


class Edition(Versioned, ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    title = models.CharField(_("title"), max_length=200)
    introduction = SanitizedHTMLField(_("introduction"), blank=True, help_text=_("Sanitised HTML."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # ``history``: registered in translation.py, after the texts get a column per language.
    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("newsletters:edition_detail", self.pk)

    @property
    def is_editable(self) -> bool:
        """Only a draft is assembled, edited or reordered; approval freezes the content."""
        return self.status == self.Status.DRAFT

    @property
    def can_reopen(self) -> bool:
        """An approved edition goes back to draft for a late correction, until it is sending."""
        return self.status in (self.Status.APPROVED, self.Status.SCHEDULED)

    @property
    def sending_started(self) -> bool:
        return self.status in (self.Status.SENDING, self.Status.SENT)

    def review_version(self, items: Iterable[EditionItem]) -> str:
        """What a staff member reviewed before approving, as one short string: the edition's
        own version and each included item's id, version and place. A save of the edition or
        of an item, a reorder, a drop, a restore or a newly assembled item changes it (saving
        an item leaves the edition's own version alone). ``items``: the included items."""
        parts = [str(self.version)]
        parts += [f"{item.pk}:{item.version}:{item.order}" for item in items]
        return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:16]

    def _translated_texts(
        self, items: Iterable[EditionItem] | None
    ) -> list[tuple[str, models.Model, str]]:
        """``(label, object, field)`` of each text the edition sends: its title and
        introduction, each included item's title and text."""
        texts: list[tuple[str, models.Model, str]] = [
            (gettext("Title"), self, "title"),
            (gettext("Introduction"), self, "introduction"),
        ]
        for item in self.items.all() if items is None else items:
            name = {"item": item.title}
            texts.append((gettext("Item “%(item)s”: title") % name, item, "title"))
            texts.append((gettext("Item “%(item)s”: text") % name, item, "body"))
        return texts

    def missing_translations(
        self, items: Iterable[EditionItem] | None = None
    ) -> dict[str, list[str]]:
        """``{language code: [what is missing]}``: the texts of the edition (title, introduction,
        each included item's title and text) written in some language but empty in this one.
        Readers of that language get the other language's text instead (the fallback), so staff
        are warned before approving; a text empty in every language is no translation gap.
        ``items``: the included items, when the caller has them already."""
        missing: dict[str, list[str]] = {}
        for label, obj, field in self._translated_texts(items):
            written = {
                code: _has_text(getattr(obj, f"{field}_{code}")) for code in site_language_codes()
            }
            if any(written.values()):
                for code in (code for code, has in written.items() if not has):
                    missing.setdefault(code, []).append(label)
        return missing

    def untranslated_copies(self, items: Iterable[EditionItem] | None = None) -> list[str]:
        """What reads word for word the same in two languages: a title, or a paragraph of a
        text. The assembly words each item's frame in every language ("signed on …", dates)
        but copies what staff typed in one language (a visit's title, its public summary) into
        every language's column: not missing, so only this check tells staff it still needs
        translating."""
        return [
            label
            for label, obj, field in self._translated_texts(items)
            if _repeated(
                _paragraphs(getattr(obj, f"{field}_{code}")) for code in site_language_codes()
            )
        ]


def _has_text(value: str | None) -> bool:
    """Rich text counts only when it has words, not just empty paragraphs."""
    return bool(value and strip_tags(value).strip())


# Where one paragraph of rich text ends and the next begins.
_BLOCK_END = re.compile(r"(?i)</(?:p|li|h[1-6]|blockquote|div|td|th)>|<br\s*/?>")


def _paragraphs(value: str | None) -> set[str]:
    """The paragraphs of a text that have words, as a reader sees them (tags and extra
    spaces left out); a plain title is one paragraph."""
    blocks = (html.unescape(strip_tags(block)) for block in _BLOCK_END.split(value or ""))
    return {" ".join(block.split()) for block in blocks} - {""}


def _repeated(paragraph_sets: Iterable[set[str]]) -> bool:
    """Whether some paragraph is in two of the languages' sets."""
    seen: set[str] = set()
    for paragraphs in paragraph_sets:
        if seen & paragraphs:
            return True
        seen |= paragraphs
    return False


class EditionItemQuerySet(models.QuerySet["EditionItem"]):
    def included(self) -> EditionItemQuerySet:
        return self.filter(included=True)


class IncludedItemManager(models.Manager["EditionItem"]):
    """The default manager (so ``edition.items`` and every rendering of an edition) sees only
    included items; staff pages use ``EditionItem.all_items`` to see the dropped ones too."""

    def get_queryset(self) -> EditionItemQuerySet:
        return EditionItemQuerySet(self.model, using=self._db).included()


class EditionItem(Versioned, ChoiceLabels, models.Model):
    """One entry of an edition, assembled from a CRM record or a story, then edited by staff."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        AGREEMENT = "agreement", _("Agreement")
        PARTNERSHIP = "partnership", _("New partnership")
        MEMBERSHIP = "membership", _("New membership")
        EVENT = "event", _("Upcoming event")
        HOSTED_EVENT = "hosted_event", _("Event held")
        STORY = "story", _("Story")
        CUSTOM = "custom", _("Custom")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    body = SanitizedHTMLField(_("text"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Where it came from, so "assemble" again adds only what is new: "<app>.<model>:<pk>".
    source_key = models.CharField(max_length=100, blank=True)
    # Dropped items stay (excluded), so assembling again does not bring them back.
    included = models.BooleanField(_("included"), default=True)

    objects = IncludedItemManager()
    all_items = EditionItemQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        default_manager_name = "objects"
        verbose_name = _("edition item")
        verbose_name_plural = _("edition items")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "source_key"],
                condition=~models.Q(source_key=""),
                name="edition_item_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Delivery(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Every index is written again by each claim and each "sent" mark (a status change is never
    # a HOT update), so there are only the ones a query needs: the edition's rows by status
    # (progress, finishing, the sweeper, which finds few "sending" rows per edition) and by
    # subscriber; ``edition`` alone is the prefix of both.
    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["edition", "status"], name="delivery_edition_status"),
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}/{self.subscriber_id}: {self.status}"
