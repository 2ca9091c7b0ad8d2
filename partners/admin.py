"""The partners admin. Imports are not offered here: the app's import pages (partners/importing.py)
cover the same four kinds with the file checks (size, zip bombs, rows, columns), a preview and
an all-or-nothing apply; the admin keeps the exports. Agreement documents are checked by the
model's ``clean`` (partners/document_checks.py), so an admin upload passes the same checks as the app's.
Fee payments are not registered: they are recorded and voided only through the app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export.admin import ExportMixin
from import_export.forms import SelectableFieldsExportForm
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cityrelations.core.admin import LogPersonalDataExportMixin
from cityrelations.core.concurrency import VersionedAdminMixin
from cityrelations.core.models import PersonalDataExport

from . import models
from .resources import CityResource, ContactResource, OrganizationResource, PartnershipResource


class LabelledExportForm(SelectableFieldsExportForm):
    """The columns to tick, named as the file's headers will name them: in the reader's
    language, not import-export's title-cased attribute names ("Is Public")."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        return resource.column_label(field_name)


class LabelledExportMixin(ExportMixin):
    export_form_class = LabelledExportForm


class CityNameSearchMixin(admin.ModelAdmin):
    """The admin's search (and the city autocomplete) also finds a city by either name typed
    with or without accents ("Zürich" finds the gazetteer's Zurich), as the app's searches do:
    the admin's own ``icontains`` compares the typed text with the stored one as it is."""

    city_prefix = ""  # "city__": rows found by their city's name

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(
                models.city_name_matches(search_term.strip(), self.city_prefix)
            )
        return found, may_have_duplicates


@admin.register(models.Theme)
class ThemeAdmin(TranslationAdmin):
    """A name and a description per language (partners/translation.py); the English name is
    required, the Hungarian one falls back to it."""

    list_display = ["name", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_hu"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(models.SDG)
class SDGAdmin(TranslationAdmin):
    list_display = ["number", "name"]


@admin.register(models.City)
class CityAdmin(CityNameSearchMixin, VersionedAdminMixin, LabelledExportMixin, SimpleHistoryAdmin):
    resource_classes = [CityResource]
    list_display = ["name", "name_hu", "country", "region", "continent", "population"]
    list_filter = ["continent", "country"]
    search_fields = ["name", "name_hu", "region"]


@admin.register(models.Partnership)
class PartnershipAdmin(
    CityNameSearchMixin, VersionedAdminMixin, LabelledExportMixin, SimpleHistoryAdmin
):
    city_prefix = "city__"
    resource_classes = [PartnershipResource]
    list_display = ["city", "level", "status", "established_on", "coordinator"]
    list_filter = ["level", "status"]
    search_fields = ["city__name", "city__name_hu"]
    autocomplete_fields = ["city"]
    filter_horizontal = ["themes", "sdgs"]


@admin.register(models.Organization)
class OrganizationAdmin(VersionedAdminMixin, LabelledExportMixin, SimpleHistoryAdmin):
    resource_classes = [OrganizationResource]
    list_display = ["name", "acronym", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym"]


@admin.register(models.Membership)
class MembershipAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "organization",
        "role",
        "since",
        "until",
        "annual_fee",
        "fee_currency",
        "fee_due_on",
    ]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization", "focal_point"]


class AgreementDocumentInline(admin.TabularInline):
    model = models.AgreementDocument
    extra = 0
    fields = ["language", "title", "file", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(models.Agreement)
class AgreementAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "signed_on", "valid_until"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    autocomplete_fields = ["partnership", "cities", "organizations"]
    inlines = [AgreementDocumentInline]

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool
    ) -> None:
        assert request.user.is_authenticated  # the admin's login
        for document_form in formset.forms:
            document = document_form.instance
            if isinstance(document, models.AgreementDocument) and document._state.adding:
                document.uploaded_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(models.AgreementDocument)
class AgreementDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "language", "title", "content_type", "size"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]

    def save_model(
        self,
        request: HttpRequest,
        obj: models.AgreementDocument,
        form: forms.ModelForm,
        change: bool,
    ) -> None:
        assert request.user.is_authenticated  # the admin's login
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class OfficeInline(admin.TabularInline):
    model = models.Office
    extra = 0
    autocomplete_fields = ["city", "organization"]


@admin.register(models.Contact)
class ContactAdmin(
    LogPersonalDataExportMixin, VersionedAdminMixin, LabelledExportMixin, SimpleHistoryAdmin
):
    resource_classes = [ContactResource]
    personal_data_kind = PersonalDataExport.Kind.CONTACTS
    list_display = ["last_name", "first_name", "email", "city", "organization"]
    search_fields = ["last_name", "first_name", "email"]
    autocomplete_fields = ["city", "organization"]
    inlines = [OfficeInline]


@admin.register(models.Office)
class OfficeAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "contact", "started_on", "ended_on"]
    search_fields = ["title", "contact__last_name"]


@admin.register(models.Interaction)
class InteractionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["occurred_on", "kind", "subject", "partnership", "organization"]
    list_filter = ["kind"]
    search_fields = ["subject"]
    autocomplete_fields = ["partnership", "organization", "contacts"]


@admin.register(models.Project)
class ProjectAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "status", "starts_on", "ends_on", "budget", "currency"]
    list_filter = ["status"]
    search_fields = ["title"]
    filter_horizontal = ["partnerships", "organizations", "themes", "sdgs"]


@admin.register(models.Opportunity)
class OpportunityAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "organization", "stage", "value", "currency", "owner"]
    list_filter = ["stage", "sector"]
    search_fields = ["title"]
    autocomplete_fields = ["organization", "contacts", "interactions"]
    raw_id_fields = ["city", "owner"]
    filter_horizontal = ["themes"]


@admin.register(models.Task)
class TaskAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "owner", "due_on", "state", "content_type", "object_id")
    list_filter = ("state", "content_type")
    search_fields = ("title", "notes")
    date_hierarchy = "due_on"
    raw_id_fields = ("owner", "completed_by", "created_by")
    readonly_fields = ("created_at", "updated_at")
