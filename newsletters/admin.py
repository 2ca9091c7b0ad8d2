"""The newsletter admin. What the app records as evidence (consent, suppressions and their lifts,
deliveries) or moves through a workflow (an edition's status, its items once approved) is shown
read-only here: the app's own pages are the way to change it, with their checks and records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from cityrelations.core.admin import ReadOnlyAdminMixin
from cityrelations.core.concurrency import VersionedAdminMixin

from . import models

CONSENT_EVIDENCE_FIELDS = [
    "status",
    "consent_text",
    "consent_version",
    "consent_language",
    "consent_text_shown",
    "consent_at",
    "consent_ip",
    "consent_source",
    "consent_evidence",
    "confirmed_at",
    "unsubscribed_at",
]
EDITION_WORKFLOW_FIELDS = [
    "status",
    "approved_by",
    "approved_at",
    "scheduled_for",
    "sending_started_at",
    "sent_at",
]


def _is_draft(edition: models.Edition | None) -> bool:
    return edition is None or edition.status == models.Edition.Status.DRAFT


@admin.register(models.ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]


@admin.register(models.Subscriber)
class SubscriberAdmin(SimpleHistoryAdmin):
    list_display = ["email", "name", "language", "status", "consent_source", "confirmed_at"]
    list_filter = ["status", "language", "consent_source"]
    search_fields = ["email", "name"]
    # Evidence of what the person agreed to, and when: written only by the subscription flow.
    readonly_fields = CONSENT_EVIDENCE_FIELDS


@admin.register(models.Suppression)
class SuppressionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lifting a suppression needs a reason and leaves a SuppressionLift record: the app's lift
    page does that; the admin only lists suppressions."""

    list_display = ["email_hash", "reason", "created_at"]
    list_filter = ["reason"]


@admin.register(models.Story)
class StoryAdmin(VersionedAdminMixin, TranslationAdmin, SimpleHistoryAdmin):
    """Title, text and image description in each language, side by side."""

    list_display = ["title", "kind", "month"]
    list_filter = ["kind"]


class EditionItemInline(TranslationTabularInline):
    """Items change only while the edition is a draft, as on the app's edition page."""

    model = models.EditionItem
    extra = 0
    readonly_fields = ["source_key"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(models.Edition)
class EditionAdmin(VersionedAdminMixin, TranslationAdmin, SimpleHistoryAdmin):
    """Approving, scheduling and sending happen on the app's edition page; an edition past its
    draft is not changed or deleted here. Title, introduction and items in each language."""

    list_display = ["title", "month", "status", "sent_at"]
    list_filter = ["status"]
    inlines = [EditionItemInline]
    readonly_fields = EDITION_WORKFLOW_FIELDS

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(models.Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The sending record of each message: written only by the sending workers."""

    list_display = ["edition", "subscriber", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["edition", "subscriber"]


@admin.register(models.SuppressionLift)
class SuppressionLiftAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of who lifted which suppression and why: read-only."""

    list_display = ["email_hash", "suppression_reason", "lifted_at", "lifted_by_name", "reason"]
    list_filter = ["suppression_reason"]
