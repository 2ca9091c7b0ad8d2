"""The admin for visits, gifts and hosted events. A visit's status moves only through delegations/workflow.py
(which records the transition and notifies people), so the admin shows it and the transitions
but never changes them; calendar feed tokens are secrets that the admin never shows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from cityrelations.core.admin import ReadOnlyAdminMixin
from cityrelations.core.concurrency import VersionedAdminMixin

from . import models


class ParticipantInline(admin.TabularInline):
    model = models.Participant
    extra = 0
    autocomplete_fields = ["contact"]


class AgendaItemInline(admin.TabularInline):
    model = models.AgendaItem
    extra = 0


class LogisticsItemInline(admin.TabularInline):
    model = models.LogisticsItem
    extra = 0


class VisitTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = models.VisitTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]
    can_delete = False


@admin.register(models.Visit)
class VisitAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "direction", "level", "start_date", "end_date", "status"]
    list_filter = ["direction", "level", "status"]
    search_fields = ["title", "purpose"]
    date_hierarchy = "start_date"
    readonly_fields = ["status"]
    filter_horizontal = ["cities", "organizations", "themes", "sdgs"]
    inlines = [
        ParticipantInline,
        AgendaItemInline,
        LogisticsItemInline,
        VisitTransitionInline,
    ]


@admin.register(models.Participant)
class ParticipantAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["visit", "contact", "user", "role", "precedence"]


@admin.register(models.AgendaItem)
class AgendaItemAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["visit", "date", "start_time", "title", "venue"]


@admin.register(models.LogisticsItem)
class LogisticsItemAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["visit", "kind", "owner", "due_on", "state"]
    list_filter = ["kind", "state"]


@admin.register(models.VisitTransition)
class VisitTransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["visit", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]


@admin.register(models.Gift)
class GiftAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["date", "direction", "description", "counterpart", "value", "currency"]
    list_filter = ["direction", "disposition"]
    search_fields = ["description", "counterpart"]


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Administrators only; the token opens the feed without a login, so it is never shown
    (a user resets their own). An administrator may delete a feed to cut it off."""

    list_display = ["user", "created_at", "has_token"]
    fields = ["user", "created_at", "has_token"]
    readonly_fields = ["user", "created_at", "has_token"]

    @admin.display(boolean=True, description=_("secret address set"))
    def has_token(self, obj: models.CalendarFeed) -> bool:
        return bool(obj.token)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(models.VisitRequest)
class VisitRequestAdmin(admin.ModelAdmin):
    """Requests come from the public form and are triaged in the app (delegations/requests.py:
    accepting makes the visit, declining sends the answer), so the admin never changes the state
    or the evidence."""

    list_display = ["organization_name", "last_name", "email", "date_from", "status", "created_at"]
    list_filter = ["status", "requester_kind", "direction"]
    search_fields = ["organization_name", "last_name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "language",
        "letter",
        "consent_at",
        "consent_ip",
        "triaged_by",
        "triaged_at",
        "referred_to",
        "visit",
        "reply_subject",
        "reply_body",
    ]


@admin.register(models.VisitRequestReply)
class VisitRequestReplyAdmin(admin.ModelAdmin):
    list_display = ["subject_en", "subject_hu", "updated_at"]
    readonly_fields = ["updated_by"]


# --- Hosted events ------------------------------------------------------------------------------


class EventSessionInline(TranslationTabularInline):
    model = models.EventSession
    extra = 0
    autocomplete_fields = ["speakers"]


@admin.register(models.Event)
class EventAdmin(VersionedAdminMixin, TranslationAdmin, SimpleHistoryAdmin):
    """Title and description in each language; the status and the review move through
    delegations/eventflow.py on the event's page, so the admin shows them only."""

    list_display = ["title", "kind", "starts_at", "status", "review_status", "capacity"]
    list_filter = ["kind", "status", "review_status"]
    search_fields = ["title_en", "title_hu", "venue"]
    readonly_fields = ["status", "review_status", "reviewed_by", "reviewed_at", "review_comment"]
    autocomplete_fields = ["organizations"]
    inlines = [EventSessionInline]


@admin.register(models.Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    """Seats move through delegations/registrations.py (the waitlist, the emails), so the
    admin shows a registration's status and consent evidence without changing them."""

    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "organization"]
    list_select_related = ["event"]
    readonly_fields = [
        "status",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "checked_in_at",
        "consent_version",
        "consent_language",
        "consent_text_shown",
        "consent_at",
        "consent_ip",
    ]
