"""The agreements register and its documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import optional_link, staff_link
from cityrelations.core.links import detail_url
from cityrelations.core.search import ForgivingSearchQuerySet

from ..document_checks import TYPE_LABELS, stored_filename, validate_document_upload
from .base import City, Theme, TimeStamped
from .organizations import Organization
from .partnerships import Partnership


class AgreementQuerySet(ForgivingSearchQuerySet["Agreement"]):
    search_fields = (
        "title",
        "summary",
        "signatory_home",
        "signatory_partner",
        "signed_at",
        "council_resolution",
    )

    def in_force(self, on: dt.date | None = None) -> AgreementQuerySet:
        """Signed or in force and within its validity on ``on`` (today): an agreement whose
        end date has passed is expired in fact, even before anyone changes its status; one
        ending today still holds today; one without an end date holds until it is ended."""
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            status__in=[Agreement.Status.SIGNED, Agreement.Status.IN_FORCE],
        )

    def expiring(self, within_days: int = 90) -> AgreementQuerySet:
        today = timezone.localdate()
        return self.in_force(today).filter(
            valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=within_days)
        )

    def for_partnership(self, partnership: Partnership) -> AgreementQuerySet:
        """The partnership's agreements and those naming its city (each once): what its hub
        shows and the register's ``?partnership=`` lists. The ids are one UNION of two index
        look-ups; "partnership = X OR EXISTS (...)" made PostgreSQL read every agreement."""
        own = Agreement.objects.filter(partnership=partnership).order_by().values("pk")
        names_city = Agreement.cities.through.objects.filter(city_id=partnership.city_id)
        return self.filter(pk__in=own.union(names_city.order_by().values("agreement_id")))

    def by_expiry(self) -> AgreementQuerySet:
        """Signed or in force first, the soonest to end first; then the others, newest first."""
        live = [Agreement.Status.SIGNED, Agreement.Status.IN_FORCE]
        return self.order_by(
            Case(When(status__in=live, then=Value(0)), default=Value(1)),
            F("valid_until").asc(nulls_last=True),
            F("signed_on").desc(nulls_last=True),
            "title",
        )


class Agreement(Versioned, TimeStamped):
    class Kind(models.TextChoices):
        TWINNING_CHARTER = "twinning", _("Twinning charter")
        MOU = "mou", _("Memorandum of understanding")
        LETTER_OF_INTENT = "loi", _("Letter of intent")
        DECLARATION = "declaration", _("Declaration")
        COOPERATION = "cooperation", _("Cooperation agreement")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATION = "negotiation", _("In negotiation")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    partnership = optional_link(Partnership, _("partnership"), related_name="agreements")
    cities = models.ManyToManyField(
        City, verbose_name=_("cities"), blank=True, related_name="agreements"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="agreements"
    )
    signatory_home = models.CharField(_("our signatory"), max_length=200, blank=True)
    signatory_partner = models.CharField(_("partner's signatory"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(_("signed at"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    renewal_notice_days = models.PositiveSmallIntegerField(_("renewal notice (days)"), default=90)
    council_resolution = models.CharField(_("council resolution"), max_length=100, blank=True)
    coordinator = staff_link(_("coordinator"), related_name="coordinated_agreements")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            )
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="agreement_expiry")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("partners:agreement_detail", self.pk)

    @property
    def expiry_state(self) -> str:
        """ "expired" (past its end, or marked so), "expiring" (signed or in force and within
        its renewal notice) or "" (neither): the hubs mark these."""
        today = timezone.localdate()
        if self.status == self.Status.EXPIRED or (
            self.valid_until is not None
            and self.valid_until < today
            and self.status != self.Status.TERMINATED
        ):
            return "expired"
        notice_on = self.renewal_notice_on
        live = self.status in (self.Status.SIGNED, self.Status.IN_FORCE)
        return "expiring" if live and notice_on is not None and notice_on <= today else ""

    @property
    def renewal_notice_on(self) -> dt.date | None:
        if self.valid_until is None:
            return None
        return self.valid_until - dt.timedelta(days=self.renewal_notice_days)


DOCUMENT_LANGUAGES = [
    ("en", _("English")),
    ("hu", _("Hungarian")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("ro", _("Romanian")),
    ("pt", _("Portuguese")),
    ("zh", _("Chinese")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("other", _("Other")),
]


def agreement_upload_to(instance: AgreementDocument, filename: str) -> str:
    return f"agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(ChoiceLabels, models.Model):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="documents"
    )
    language = models.CharField(_("language"), max_length=10, choices=DOCUMENT_LANGUAGES)
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=agreement_upload_to)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size"), editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["language", "-uploaded_at"]
        verbose_name = _("agreement document")
        verbose_name_plural = _("agreement documents")

    def __str__(self) -> str:
        return self.title or (self.file.name or "").rsplit("/", 1)[-1]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A path that skipped ``clean`` (and did not record the checked type) is checked here.
        if not self.content_type:
            self.check_new_file()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.check_new_file()

    def check_new_file(self) -> None:
        """A file not stored yet (an admin upload) passes the app's document checks, and its
        detected type, size and a file name matching the content are recorded."""
        if not self.file or getattr(self.file, "_committed", True):
            return

        upload = self.file.file
        try:
            kind = validate_document_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"file": exc}) from exc
        self.content_type = kind.content_type
        self.size = upload.size or 0
        self.file.name = stored_filename(upload.name or "", kind)

    @property
    def type_label(self) -> str:
        """The file's type as the detail page names it: PDF, DOCX or ODT."""
        return TYPE_LABELS.get(self.content_type, self.content_type)
