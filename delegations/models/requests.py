"""Visit requests: an embassy, a foreign city or an organisation asks, through the public form,
for a visit or a meeting with the mayor or the unit; staff triage them (new → accepted /
declined / referred). Accepting one creates a draft visit (delegations.requests); declining one
sends the answer of the editable reply template in the requester's language."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cityrelations.core.choices import ChoiceLabels
from cityrelations.core.formats import date_range
from cityrelations.core.languages import site_languages
from cityrelations.core.links import detail_url

from .visits import Visit

MAX_DELEGATION_SIZE = 500


def letter_upload_to(instance: VisitRequest, filename: str) -> str:
    # The row has no id yet when its file is stored: a random folder keeps names apart.
    return f"visit-requests/{uuid.uuid4().hex}/{filename}"


class VisitRequest(ChoiceLabels, models.Model):
    class RequesterKind(models.TextChoices):
        EMBASSY = "embassy", _("Embassy or consulate")
        CITY = "city", _("City or municipality")
        ORGANIZATION = "organization", _("Organisation")

    class Direction(models.TextChoices):
        # The same values as Visit.Direction: an incoming visit is one they make to us.
        INCOMING = "incoming", _("We would like to visit the city")
        OUTGOING = "outgoing", _("We invite the mayor or the unit")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REFERRED = "referred", _("Referred")

    # Who asks.
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("position"), max_length=120, blank=True)
    requester_kind = models.CharField(
        _("who is asking"), max_length=20, choices=RequesterKind.choices
    )
    organization_name = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"))
    city_name = models.CharField(_("city"), max_length=200, blank=True)
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=10, choices=site_languages)
    # What they ask for.
    direction = models.CharField(_("request"), max_length=10, choices=Direction.choices)
    date_from = models.DateField(_("proposed from"))
    date_to = models.DateField(_("proposed until"))
    dates_note = models.CharField(_("flexibility of the dates"), max_length=300, blank=True)
    purpose = models.TextField(_("purpose"))
    level = models.CharField(_("level"), max_length=20, choices=Visit.Level.choices)
    delegation_size = models.PositiveSmallIntegerField(
        _("size of the delegation"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DELEGATION_SIZE)],
    )
    letter = models.FileField(_("letter"), upload_to=letter_upload_to, blank=True)
    letter_size = models.PositiveIntegerField(_("size of the letter"), default=0, editable=False)
    # Evidence of the request: when, from where, agreeing to what.
    consent_at = models.DateTimeField(_("consent given"))
    consent_ip = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    # Triage.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("handled"), null=True, blank=True)
    triage_note = models.TextField(_("note"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    visit = models.OneToOneField(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    reply_subject = models.CharField(_("subject of the answer"), max_length=200, blank=True)
    reply_body = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")),
                name="visit_request_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(delegation_size__gte=1), name="visit_request_size_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_to=""),
                name="visit_request_referred_names_whom",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="visit_request_queue")]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.requester_name})"

    def get_absolute_url(self) -> str:
        return detail_url("delegations:visit_request_detail", self.pk)

    @property
    def requester_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def dates(self) -> str:
        return date_range(self.date_from, self.date_to)

    @property
    def is_new(self) -> bool:
        return self.status == self.Status.NEW

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "text-bg-secondary")

    @property
    def letter_name(self) -> str:
        return (self.letter.name or "").rsplit("/", 1)[-1]


STATUS_BADGES: dict[str, str] = {
    VisitRequest.Status.NEW: "text-bg-info",
    VisitRequest.Status.ACCEPTED: "text-bg-success",
    VisitRequest.Status.DECLINED: "text-bg-danger",
    VisitRequest.Status.REFERRED: "text-bg-warning",
}


class VisitRequestReply(models.Model):
    """The courteous answer to a declined request, in each language, as staff last edited it:
    one row (``current()`` makes it with the default text). ``{name}``, ``{organisation}`` and
    ``{dates}`` are filled in from the request."""

    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_hu = models.CharField(_("subject (Hungarian)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_hu = models.TextField(_("text (Hungarian)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("answer to declined visit requests")
        verbose_name_plural = _("answers to declined visit requests")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> VisitRequestReply:
        reply = cls.objects.order_by("pk").first()
        if reply is None:
            reply, _created = cls.objects.get_or_create(pk=1, defaults=DEFAULT_REPLY)
        return reply

    def for_language(self, language: str) -> tuple[str, str]:
        if language.startswith("hu"):
            return self.subject_hu, self.body_hu
        return self.subject_en, self.body_en


PLACEHOLDERS = ("{name}", "{organisation}", "{dates}")


def fill_placeholders(text: str, request: Any) -> str:
    """The template's text with the request's details in place of its placeholders (plain
    replacement: braces the staff type stay as they are)."""
    values = {
        "{name}": request.requester_name,
        "{organisation}": request.organization_name,
        "{dates}": request.dates,
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


DEFAULT_REPLY: dict[str, str] = {
    "subject_en": "Your request for a visit",
    "subject_hu": "Látogatási kérelmével kapcsolatban",
    "body_en": (
        "Dear {name},\n\n"
        "Thank you for the request of {organisation} and for your interest in our city.\n\n"
        "We have considered it carefully; regrettably, we are not able to arrange the visit or "
        "the meeting on the dates proposed ({dates}). We would be glad to stay in touch and to "
        "consider another occasion in the future.\n\n"
        "With kind regards,"
    ),
    "body_hu": (
        "Tisztelt {name}!\n\n"
        "Köszönjük a(z) {organisation} megkeresését és városunk iránti érdeklődését.\n\n"
        "Kérelmüket gondosan megvizsgáltuk; sajnálattal kell tájékoztatnunk, hogy a javasolt "
        "időpontban ({dates}) a látogatást, illetve a találkozót nem tudjuk megszervezni. "
        "Örömmel maradunk kapcsolatban, és egy későbbi alkalmat szívesen megfontolunk.\n\n"
        "Üdvözlettel:"
    ),
}
