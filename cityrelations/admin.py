"""The personal-data export log in the admin: read-only, for administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cityrelations.core.admin import ReadOnlyAdminMixin
from cityrelations.core.models import PersonalDataExport


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
