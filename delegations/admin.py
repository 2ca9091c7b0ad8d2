from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cityrelations.concurrency import VersionedAdminMixin

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


class FollowUpInline(admin.TabularInline):
    model = models.FollowUp
    extra = 0


class VisitTransitionInline(admin.TabularInline):
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
    filter_horizontal = ["cities", "organizations", "themes", "sdgs"]
    inlines = [
        ParticipantInline,
        AgendaItemInline,
        LogisticsItemInline,
        FollowUpInline,
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
class VisitTransitionAdmin(admin.ModelAdmin):
    list_display = ["visit", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]


@admin.register(models.FollowUp)
class FollowUpAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["visit", "description", "owner", "due_on", "done"]


@admin.register(models.Gift)
class GiftAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["date", "direction", "description", "counterpart", "value", "currency"]
    list_filter = ["direction", "disposition"]
    search_fields = ["description", "counterpart"]


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["token"]
