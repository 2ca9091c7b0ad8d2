"""Agreement and agreement-document forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import Picker, PickerFormMixin, PickerMultiple
from cityrelations.core.roles import staff_users
from cityrelations.core.widgets import DateInput

from ..document_checks import DocumentType, validate_document_upload
from ..models import DOCUMENT_LANGUAGES, Agreement, City, Organization, Partnership, Theme


class AgreementForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    coordinator = StaffUserChoiceField(
        label=_("Coordinator"), queryset=get_user_model().objects.none(), required=False
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "kind",
            "status",
            "signatory_home",
            "signatory_partner",
            "signed_on",
            "signed_at",
            "valid_from",
            "valid_until",
            "renewal_notice_days",
            "council_resolution",
            "partnership",
            "cities",
            "organizations",
            "themes",
            "coordinator",
            "summary",
            "is_public",
        ]
        widgets = {
            "signed_on": DateInput(),
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "themes": forms.CheckboxSelectMultiple,
            # Thousands of options: only the chosen ones are rendered, a search box finds more.
            "partnership": Picker("partnership"),
            "cities": PickerMultiple("city"),
            "organizations": PickerMultiple("organization"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "renewal_notice_days": _(
                "How many days before “valid until” the renewal must be started."
            ),
            "is_public": _("May be reported in the public newsletter."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets = {
            "coordinator": staff_users(),
            "partnership": Partnership.objects.select_related("city").order_by("city__name"),
            "cities": City.objects.order_by("name"),
            "organizations": Organization.objects.order_by("name"),
            "themes": Theme.objects.order_by("kind", "order", "name"),
        }
        for name, queryset in querysets.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("“Valid until” cannot be before “valid from”."))
        return cleaned


class DocumentUploadForm(forms.Form):
    """One file per language; the type is decided by the file's content (see partners.document_checks)."""

    language = forms.ChoiceField(label=_("Language"), choices=DOCUMENT_LANGUAGES)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. “Signed original” or “Working translation”."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX) or OpenDocument text (ODT)."),
        widget=forms.FileInput(
            attrs={
                "accept": ".pdf,.docx,.odt,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.oasis.opendocument.text"
            }
        ),
    )

    document_type: DocumentType | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        self.document_type = validate_document_upload(upload)
        return upload
