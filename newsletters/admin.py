from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cityrelations.concurrency import VersionedAdminMixin

from . import models


@admin.register(models.ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "published_at"]


@admin.register(models.Subscriber)
class SubscriberAdmin(SimpleHistoryAdmin):
    list_display = ["email", "name", "language", "status", "consent_source", "confirmed_at"]
    list_filter = ["status", "language", "consent_source"]
    search_fields = ["email", "name"]


@admin.register(models.Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email_hash", "reason", "created_at"]
    list_filter = ["reason"]


@admin.register(models.Story)
class StoryAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "month"]
    list_filter = ["kind"]


class EditionItemInline(admin.TabularInline):
    model = models.EditionItem
    extra = 0


@admin.register(models.Edition)
class EditionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "month", "status", "sent_at"]
    list_filter = ["status"]
    inlines = [EditionItemInline]


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["edition", "subscriber", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["edition", "subscriber"]


@admin.register(models.SuppressionLift)
class SuppressionLiftAdmin(admin.ModelAdmin):
    """A record of who lifted which suppression and why: read-only."""

    list_display = ["email_hash", "suppression_reason", "lifted_at", "lifted_by_name", "reason"]
    list_filter = ["suppression_reason"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
