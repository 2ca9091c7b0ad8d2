"""The relationship core: cities, partnerships, organisations, memberships, agreements, contacts
and offices, interactions, cooperation projects, themes and SDGs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .geo import continent_for_country


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    HUF = "HUF", "HUF"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"
    CHF = "CHF", "CHF"
    PLN = "PLN", "PLN"
    CZK = "CZK", "CZK"
    JPY = "JPY", "JPY"
    CNY = "CNY", "CNY"
    OTHER = "XXX", _("Other")


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    SOUTH_AMERICA = "SA", _("South America")
    OCEANIA = "OC", _("Oceania")
    ANTARCTICA = "AN", _("Antarctica")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# --- Themes ---------------------------------------------------------------------------------------


class Theme(models.Model):
    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("Dimension of city diplomacy")
        TOPIC = "topic", _("Agenda topic")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TOPIC)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class SDG(models.Model):
    """One of the 17 UN Sustainable Development Goals."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.name}"


# --- Cities ---------------------------------------------------------------------------------------


class City(TimeStamped):
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True)
    continent = models.CharField(
        _("continent"), max_length=2, choices=Continent.choices, blank=True, editable=False
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(
                fields=["geonames_id"],
                condition=Q(geonames_id__isnull=False),
                name="city_unique_geonames_id",
            ),
            models.UniqueConstraint(
                fields=["name", "country", "region"], name="city_unique_name_in_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.country.name}" if self.country else self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.continent = continent_for_country(str(self.country))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:city_detail", args=[self.pk])

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# --- Partnerships ---------------------------------------------------------------------------------


class PartnershipQuerySet(models.QuerySet["Partnership"]):
    def open(self) -> PartnershipQuerySet:
        return self.exclude(status=Partnership.Status.ENDED)

    def active(self) -> PartnershipQuerySet:
        return self.filter(status=Partnership.Status.ACTIVE)

    def with_last_contact(self) -> PartnershipQuerySet:
        """``last_contact_on``: the latest interaction's date. A correlated subquery read from
        the index ``interaction_partnership`` (partnership, -occurred_on), not a GROUP BY over
        every interaction: with 200,000 interactions that is the difference between
        milliseconds and a second."""
        latest = Interaction.objects.filter(partnership=models.OuterRef("pk"))
        latest = latest.order_by("-occurred_on").values("occurred_on")[:1]
        return self.annotate(last_contact_on=models.Subquery(latest))

    def no_contact_since(self, since: dt.date) -> PartnershipQuerySet:
        """Partnerships with no interaction on or after ``since`` (including none at all)."""
        recent = Interaction.objects.filter(
            partnership=models.OuterRef("pk"), occurred_on__gte=since
        )
        return self.filter(~models.Exists(recent))

    def dormant_candidates(self, months: int = 12) -> PartnershipQuerySet:
        """Active partnerships with no contact for ``months``: candidates for "dormant".

        A partnership established (or, without that date, recorded) within the period has not
        yet had the time to fall silent, so it is not a candidate however quiet it is.
        """
        since = timezone.localdate() - dt.timedelta(days=round(months * 30.44))
        old_enough = Q(established_on__lt=since) | Q(
            established_on__isnull=True, created_at__date__lt=since
        )
        return self.active().filter(old_enough).no_contact_since(since)


class Partnership(TimeStamped):
    class Level(models.TextChoices):
        SISTER = "sister", _("Sister city")
        PARTNER = "partner", _("Partner city")
        FRIENDSHIP = "friendship", _("Friendship city")
        COOPERATION = "cooperation", _("Cooperation / MoU")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_REVIEW = "under_review", _("Under review")
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="partnerships"
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    council_resolution = models.CharField(_("council resolution"), max_length=100, blank=True)
    council_resolution_on = models.DateField(_("council resolution date"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_partnerships",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("May be reported in the public newsletter.")
    )

    history = HistoricalRecords()
    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["city__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["city"], condition=~Q(status="ended"), name="partnership_one_open_per_city"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(ended_on__gte=models.F("established_on")),
                name="partnership_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["status", "level"], name="partnership_status_level")]

    def __str__(self) -> str:
        return f"{self.city} ({self.get_level_display()})"

    def get_absolute_url(self) -> str:
        return reverse("partners:partnership_detail", args=[self.pk])


# --- Organisations and memberships ------------------------------------------------------------


class Organization(TimeStamped):
    class Kind(models.TextChoices):
        NETWORK = "network", _("City network")
        INTERNATIONAL = "international", _("International organisation")
        EU_INSTITUTION = "eu", _("EU institution")
        EMBASSY = "embassy", _("Embassy / consulate")
        NGO = "ngo", _("NGO")
        BUSINESS = "business", _("Business")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    city = models.ForeignKey(
        City,
        verbose_name=_("seat"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:organization_detail", args=[self.pk])


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gte=today))

    def fees_due(self, within_days: int = 90) -> MembershipQuerySet:
        horizon = timezone.localdate() + dt.timedelta(days=within_days)
        return self.current().filter(fee_due_on__isnull=False, fee_due_on__lte=horizon)

    def reports_due(self, within_days: int = 90) -> MembershipQuerySet:
        horizon = timezone.localdate() + dt.timedelta(days=within_days)
        return self.current().filter(
            next_report_due_on__isnull=False, next_report_due_on__lte=horizon
        )


class Membership(TimeStamped):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(
        _("role / tier"), max_length=120, blank=True, help_text=_("e.g. member, board, founder")
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(_("member until"), null=True, blank=True)
    annual_fee = models.DecimalField(
        _("annual fee"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    fee_due_on = models.DateField(_("fee due on"), null=True, blank=True)
    focal_point = models.ForeignKey(
        "Contact",
        verbose_name=_("focal point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focal_point_for",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_memberships",
    )
    working_groups = models.TextField(_("working groups"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    next_report_due_on = models.DateField(_("next report due on"), null=True, blank=True)
    reporting_notes = models.TextField(_("reporting obligations"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "-since"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(until__isnull=True),
                name="membership_one_open_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(until__gte=models.F("since")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("partners:organization_detail", args=[self.organization_id])


# --- Contacts and offices ---------------------------------------------------------------------


class Contact(TimeStamped):
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    form_of_address = models.CharField(
        _("form of address"), max_length=120, blank=True, help_text=_("e.g. Your Excellency")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. en, de")
    )
    protocol_notes = models.TextField(_("protocol notes"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="contact_name"),
            models.Index(fields=["email"], name="contact_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("partners:contact_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.honorific, self.first_name, self.last_name) if p)


class OfficeQuerySet(models.QuerySet["Office"]):
    def current(self) -> OfficeQuerySet:
        today = timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


class Office(TimeStamped):
    """A position held by a contact for a time ("Mayor of Vienna"), so history survives elections."""

    title = models.CharField(_("title"), max_length=200)
    contact = models.ForeignKey(
        Contact, verbose_name=_("held by"), on_delete=models.CASCADE, related_name="offices"
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offices",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offices",
    )
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="office_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.contact}"


# --- Agreements -------------------------------------------------------------------------------


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force(self) -> AgreementQuerySet:
        return self.filter(status__in=[Agreement.Status.SIGNED, Agreement.Status.IN_FORCE])

    def expiring(self, within_days: int = 90) -> AgreementQuerySet:
        today = timezone.localdate()
        return self.in_force().filter(
            valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=within_days)
        )


class Agreement(TimeStamped):
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
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
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
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_agreements",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

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
        return reverse("partners:agreement_detail", args=[self.pk])

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


class AgreementDocument(models.Model):
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
        return self.title or self.file.name.rsplit("/", 1)[-1]


# --- Interactions and projects ----------------------------------------------------------------


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def timeline(self) -> InteractionQuerySet:
        return self.select_related("partnership__city", "organization", "recorded_by").order_by(
            "-occurred_on", "-pk"
        )


class Interaction(TimeStamped):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        EVENT = "event", _("Event")
        VISIT = "visit", _("Visit")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    subject = models.CharField(_("subject"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interactions",
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), blank=True, related_name="interactions"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_public = models.BooleanField(_("public"), default=False)

    history = HistoricalRecords()
    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["partnership", "-occurred_on"], name="interaction_partnership"),
            models.Index(fields=["organization", "-occurred_on"], name="interaction_organization"),
            models.Index(fields=["-occurred_on"], name="interaction_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.get_kind_display()}: {self.subject}"


class Project(TimeStamped):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=250)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    partnerships = models.ManyToManyField(
        Partnership, verbose_name=_("partnerships"), blank=True, related_name="projects"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="projects"
    )
    funding_programme = models.CharField(_("funding programme"), max_length=200, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_projects",
    )
    description = models.TextField(_("description"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    sdgs = models.ManyToManyField(SDG, verbose_name=_("SDGs"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partners:project_detail", args=[self.pk])
