"""Events the unit hosts (the international conference, Academy of City Diplomacy courses,
workshops), their agenda, the public's registrations and who attended which session.

The title and description are written in each language (django-modeltranslation columns,
``title_en`` / ``title_hu``: see ``delegations/translation.py``, which also registers the
history of the translated models after the columns exist).

A registration is one row per (event, email), whatever happens to it: registering again with
the same address reuses the row (``registration_email_once_per_event``), so nobody holds two
seats. Seats are counted under a row lock on the event (``delegations.events``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import amount_field, staff_link
from cityrelations.core.formats import date_range
from cityrelations.core.languages import site_languages
from cityrelations.core.links import detail_url
from cityrelations.core.queries import count_by
from cityrelations.core.search import ForgivingSearchQuerySet
from partners.models import SDG, Contact, Organization, Task, Theme, currency_field


class EventQuerySet(ForgivingSearchQuerySet["Event"]):
    # The title in both languages (modeltranslation's columns) and the venue.
    search_fields = ("title_en", "title_hu", "venue")

    def published(self) -> EventQuerySet:
        """What the public may open: published events, and closed ones (registration over)."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])

    def overlapping(self, start: dt.date, end: dt.date) -> EventQuerySet:
        """Events with at least one day in [start, end] (local days)."""
        return self.filter(starts_at__date__lte=end, ends_at__date__gte=start)

    def public_completed_between(self, start: dt.date, end: dt.date) -> EventQuerySet:
        """Events held and completed that ended in [start, end] (local days): the newsletter's
        "events held". Only a published event can be completed, so each had a public page."""
        return self.filter(
            status=Event.Status.COMPLETED, ends_at__date__gte=start, ends_at__date__lte=end
        )

    def live(self) -> EventQuerySet:
        return self.exclude(status=Event.Status.CANCELLED)

    def awaiting_review(self) -> EventQuerySet:
        """Events the mayor attends that wait for the mayor's office's decision."""
        return self.filter(mayor_attends=True, review_status=Event.Review.PENDING).live()


class Event(Versioned, ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        ACADEMY_COURSE = "academy_course", _("Academy course")
        WORKSHOP = "workshop", _("Workshop / training module")
        RECEPTION = "reception", _("Reception")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Registration closed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Review(models.TextChoices):
        """The mayor's office's decision on an event the mayor attends."""

        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        DECLINED = "declined", _("Declined")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Translated (title_en / title_hu, description_en / description_hu): translation.py.
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The end of the public page's address; made from the title when empty."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats; past them registrations go on the waitlist. Empty: no limit."),
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="hosted_events",
    )
    themes: models.ManyToManyField[Theme, Any] = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True
    )
    sdgs: models.ManyToManyField[SDG, Any] = models.ManyToManyField(
        SDG, verbose_name=_("SDGs"), blank=True
    )
    budget = amount_field(_("budget"), max_digits=14)
    currency = currency_field()
    cohort = models.CharField(
        _("cohort"),
        max_length=100,
        blank=True,
        help_text=_("For an Academy course: the group of participants, e.g. “2027 spring”."),
    )
    certificate_min_share = models.PositiveSmallIntegerField(
        _("attendance needed for a certificate (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "For an Academy course: the share of its sessions a participant attends to receive "
            "a certificate of attendance."
        ),
    )
    mayor_attends = models.BooleanField(
        _("the mayor attends"),
        default=False,
        help_text=_("The mayor's office reviews events the mayor attends."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    review_status = models.CharField(
        _("review by the mayor's office"),
        max_length=20,
        choices=Review.choices,
        default=Review.NOT_NEEDED,
        blank=True,
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = staff_link(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    owner = staff_link(_("owner"), related_name="owned_events")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Follow-up tasks linked to the event (deleted with it).
    tasks = GenericRelation(Task, related_query_name="event")

    # ``history``: registered in translation.py, after the texts get a column per language.
    history: Any
    objects = EventQuerySet.as_manager()

    # Registration is open only while published.
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.PUBLISHED, Status.CLOSED})

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="event_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(certificate_min_share__gte=1, certificate_min_share__lte=100),
                name="event_certificate_share_a_percentage",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return detail_url("delegations:event_detail", self.pk)

    def unique_slug(self) -> str:
        """A slug from the English (or Hungarian) title and the year, unique among events."""
        base = (
            slugify(
                f"{getattr(self, 'title_en', '') or getattr(self, 'title_hu', '') or self.title}"
            )[:60].strip("-")
            or "event"
        )
        if self.starts_at:
            base = f"{base}-{timezone.localtime(self.starts_at).year}"
        slug = base
        while Event.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug = f"{base}-{get_random_string(4).lower()}"
        return slug

    def get_public_url(self) -> str:
        from django.urls import reverse

        return reverse("delegations:event_public", args=[self.slug])

    @property
    def dates(self) -> str:
        return date_range(
            timezone.localtime(self.starts_at).date(), timezone.localtime(self.ends_at).date()
        )

    @property
    def is_open(self) -> bool:
        """Whether the public may register now."""
        return self.status == self.Status.PUBLISHED and self.ends_at > timezone.now()

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def can_delete(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def gives_certificates(self) -> bool:
        """Certificates of attendance are for Academy courses."""
        return self.kind == self.Kind.ACADEMY_COURSE

    def sessions_needed(self, session_count: int) -> int:
        """How many of ``session_count`` sessions earn a certificate: the share, rounded up
        (75 % of 3 sessions is 3), and never less than one."""
        return max(1, math.ceil(session_count * self.certificate_min_share / 100))

    @property
    def status_badge(self) -> str:
        return EVENT_STATUS_BADGES.get(self.status, "text-bg-secondary")

    @property
    def status_tone(self) -> str:
        return EVENT_STATUS_TONES.get(self.status, "secondary")


EVENT_STATUS_BADGES: dict[str, str] = {
    Event.Status.PUBLISHED: "text-bg-success",
    Event.Status.CLOSED: "text-bg-info",
    Event.Status.COMPLETED: "text-bg-dark",
    Event.Status.CANCELLED: "text-bg-danger",
}

EVENT_STATUS_TONES: dict[str, str] = {
    Event.Status.DRAFT: "secondary",
    Event.Status.PUBLISHED: "success",
    Event.Status.CLOSED: "info",
    Event.Status.COMPLETED: "dark",
    Event.Status.CANCELLED: "danger",
}


class EventSession(models.Model):
    """One item of the event's agenda: a lecture, a panel, a module of an Academy course."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    # Translated (title_en / title_hu): translation.py.
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers = models.ManyToManyField(
        Contact, verbose_name=_("speakers"), blank=True, related_name="event_sessions"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="event_session_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationQuerySet(ForgivingSearchQuerySet["Registration"]):
    search_fields = ("name", "email", "organization")

    def by_email(self, email: str) -> RegistrationQuerySet:
        return self.filter(email__iexact=email.strip())

    def holding_seat(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlist(self) -> RegistrationQuerySet:
        """The waitlist in its order: first come, first moved up."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def status_counts(self) -> dict[str, int]:
        return count_by(self, "status")

    def with_attended_count(self) -> RegistrationQuerySet:
        """Each registration with ``attended_count``: the sessions it was present at."""
        return self.annotate(attended_count=models.Count("attendances", distinct=True))


class Registration(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Not confirmed yet")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    organization = models.CharField(_("organisation"), max_length=250, blank=True)
    country = CountryField(_("country"), blank=True)
    sessions = models.ManyToManyField(
        EventSession, verbose_name=_("sessions"), blank=True, related_name="registrations"
    )
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=site_languages, default="en")
    wants_newsletter = models.BooleanField(_("wants the newsletter"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Consent evidence, as the newsletter's subscribers keep it: the statement exactly as shown
    # (its version and language), when, and from where.
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    consent_language = models.CharField(_("consent text language"), max_length=5, blank=True)
    consent_text_shown = models.TextField(_("consent text as shown"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent IP"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Rotated whenever a single-use link is used, which invalidates every earlier such link.
    token_nonce = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["token_nonce", "consent_text_shown"])
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                F("event"), Lower("email"), name="registration_email_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def waitlist_position(self) -> int | None:
        """1 for the first on the waitlist; None when not waitlisted (one query)."""
        if self.status != self.Status.WAITLISTED or self.waitlisted_at is None:
            return None
        ahead = Registration.objects.filter(
            event_id=self.event_id, status=self.Status.WAITLISTED
        ).filter(
            Q(waitlisted_at__lt=self.waitlisted_at)
            | Q(waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
        )
        return ahead.count() + 1

    @property
    def status_badge(self) -> str:
        return REGISTRATION_BADGES.get(self.status, "text-bg-secondary")


REGISTRATION_BADGES: dict[str, str] = {
    Registration.Status.CONFIRMED: "text-bg-success",
    Registration.Status.WAITLISTED: "text-bg-warning",
    Registration.Status.CANCELLED: "text-bg-danger",
}


class SessionAttendance(models.Model):
    """A registrant was present at one session (the check-in and certificates build on it)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="attendances")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = staff_link(_("recorded by"))

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="session_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session}"
