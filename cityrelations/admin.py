"""The personal-data export log in the admin (read-only, for administrators), the mixin that
writes to it from django-import-export's admin exports, and the mixin for records the admin may
only show."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .exports import export_filters, log_personal_data_export
from .models import PersonalDataExport


class ReadOnlyAdminMixin:
    """Records written only by the app's own workflows (audit trails, evidence): the admin shows
    them and never adds, changes or deletes one, whatever permissions a user holds."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LogPersonalDataExportMixin:
    """Mix into an ``ExportMixin`` admin whose rows are people: each export file is logged.

    ``get_data_for_export`` builds the rows (so it knows their count); ``get_export_data`` knows
    the file format; both run once per downloaded file."""

    personal_data_kind: str = ""

    def get_data_for_export(self, request: HttpRequest, queryset: Any, **kwargs: Any) -> Any:
        data = super().get_data_for_export(request, queryset, **kwargs)  # type: ignore[misc]
        request._personal_data_rows = data.height  # type: ignore[attr-defined]
        return data

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: Any, **kwargs: Any
    ) -> Any:
        export = super().get_export_data(file_format, request, queryset, **kwargs)  # type: ignore[misc]
        filters = export_filters(request)
        selected = request.POST.getlist("export_items")
        if selected:
            filters = "&".join(filter(None, [filters, f"selected={len(selected)}"]))
        log_personal_data_export(
            request=request,
            kind=self.personal_data_kind,
            filters=filters,
            row_count=getattr(request, "_personal_data_rows", 0),
            file_format=file_format.get_extension(),
        )
        return export


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
