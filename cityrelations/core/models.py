"""Cross-cutting records that belong to no single app: the log of personal-data exports and each
staff account's own settings (the language it reads)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ChoiceLabels
from .languages import site_languages


class PersonalDataExport(ChoiceLabels, models.Model):
    """One download of personal data by a staff user (DESIGN.md "Security baseline": every
    personal-data export is logged). Written by :func:`cityrelations.core.exports.log_personal_data_export`,
    read-only in the admin."""

    class Kind(models.TextChoices):
        SUBSCRIBERS = "subscribers", _("Newsletter subscribers")
        CONTACTS = "contacts", _("Contacts")
        # A visit's participants, with their dietary and accessibility needs (health data).
        BRIEFING_BOOK = "briefing_book", _("Briefing book")
        # A hosted event's registrants: the list, their badges, their certificates.
        EVENT_REGISTRATIONS = "event_registrations", _("Event registrations")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept as text too, so the record still names the person after the account is deleted.
    username = models.CharField(_("username"), max_length=150)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)
    filters = models.TextField(_("filter"), blank=True, help_text=_("The query string used."))
    row_count = models.PositiveIntegerField(_("rows"))
    file_format = models.CharField(_("format"), max_length=10)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal-data export")
        verbose_name_plural = _("personal-data exports")
        indexes = [models.Index(fields=["created_at"], name="personal_export_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} ({self.row_count})"


class AccountSettings(models.Model):
    """What a staff user chose for their own account. No row, or a blank language, means "the
    browser's language" for pages and ``settings.STAFF_LANGUAGE`` for email
    (:mod:`cityrelations.core.languages`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="account_settings",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=site_languages,
        blank=True,
        help_text=_("Blank: the browser's language (email: the unit's language)."),
    )

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return str(self.user)


class SavedView(models.Model):
    """A user's named filter and sort of one list (``list_key`` names the list, e.g.
    "partnerships"); ``query`` is the list's query string without its page number. Only its
    owner sees it; opening it is the list's own page with that query string, so the list's
    filterset decides what it shows (a value that no longer validates is left out and said)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    list_key = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filter and sort"), max_length=2000, blank=True)
    on_dashboard = models.BooleanField(_("show on the dashboard"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key", "name"], name="saved_view_name_once_per_list"
            )
        ]

    def __str__(self) -> str:
        return self.name
