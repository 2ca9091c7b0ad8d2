"""The project's own admin pages: the personal-data export log (read-only, for administrators),
and each user's account settings on Django's user page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from cityrelations.core.admin import ReadOnlyAdminMixin
from cityrelations.core.models import AccountSettings, PersonalDataExport


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "username", "kind", "file_format", "row_count", "filters"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username", "filters"]
    date_hierarchy = "created_at"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class AccountSettingsInline(admin.StackedInline):
    """The language a user reads (their email, and their pages until they choose in the user
    menu): an administrator can set it for those who never open that menu. A choice made here
    reaches the user's open sessions at their next login."""

    model = AccountSettings
    can_delete = False
    max_num = 1
    fields = ["language"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithSettingsAdmin(UserAdmin):
    """Django's user admin, with the account settings inline."""

    inlines = [*UserAdmin.inlines, AccountSettingsInline]
