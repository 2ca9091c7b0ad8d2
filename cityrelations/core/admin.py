"""Admin mixins every app uses: records the admin may only show, and the one that logs each
personal-data export made through django-import-export's admin exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from .exports import export_filters, log_personal_data_export

if TYPE_CHECKING:  # the mixin's host, for the type checker only
    from import_export.admin import ExportMixin as _ExportBase
else:
    _ExportBase = object


class ReadOnlyAdminMixin:
    """Records written only by the app's own workflows (audit trails, evidence): the admin shows
    them and never adds, changes or deletes one, whatever permissions a user holds."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LogPersonalDataExportMixin(_ExportBase):
    """Mix into an ``ExportMixin`` admin whose rows are people: each export file is logged.

    ``get_data_for_export`` builds the rows (so it knows their count); ``get_export_data`` knows
    the file format; both run once per downloaded file."""

    personal_data_kind: str = ""

    def get_data_for_export(self, request: HttpRequest, queryset: Any, **kwargs: Any) -> Any:
        data = super().get_data_for_export(request, queryset, **kwargs)
        request._personal_data_rows = data.height  # type: ignore[attr-defined]
        return data

    def get_export_data(
        self, file_format: Any, request: HttpRequest, queryset: Any, **kwargs: Any
    ) -> Any:
        export = super().get_export_data(file_format, request, queryset, **kwargs)
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
