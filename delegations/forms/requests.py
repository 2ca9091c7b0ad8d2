"""Visit requests: the public form, and the staff's answers (decline, refer) and reply template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.forms import HoneypotForm
from cityrelations.core.widgets import DateInput
from partners.document_checks import PDF, DocumentType, validate_document_upload

from ..models import VisitRequest, VisitRequestReply

NOT_A_PDF = _(
    "This file is not a PDF document. Its content was checked, not its name: save or print the "
    "letter as a PDF and attach it again."
)


def validate_letter(upload: UploadedFile) -> DocumentType:
    """The agreement documents' checks (partners.document_checks: size, and the type by
    content), and the type must be PDF."""
    try:
        kind = validate_document_upload(upload)
    except ValidationError as error:
        if error.code == "unsupported_type":
            raise ValidationError(NOT_A_PDF, code="not_pdf") from error
        raise
    if kind != PDF:
        raise ValidationError(NOT_A_PDF, code="not_pdf")
    return kind


class VisitRequestForm(HoneypotForm, forms.ModelForm):
    """The public form (no login). The language is the page's; the evidence (time, IP) is
    recorded by the service."""

    letter = forms.FileField(
        label=_("Letter of request (PDF, optional)"),
        required=False,
        help_text=_("A signed letter or note verbale, if you have one: a PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the details I give here are stored and used to answer this request."),
        required=True,
    )

    class Meta:
        model = VisitRequest
        fields = [
            "requester_kind",
            "organization_name",
            "country",
            "city_name",
            "first_name",
            "last_name",
            "role",
            "email",
            "direction",
            "date_from",
            "date_to",
            "dates_note",
            "level",
            "delegation_size",
            "purpose",
        ]
        labels = {
            "organization_name": _("Name of your embassy, city or organisation"),
            "city_name": _("City (if you represent a city)"),
            "role": _("Your position"),
            "direction": _("What would you like?"),
            "level": _("Level of the meeting"),
            "date_from": _("Proposed from"),
            "date_to": _("Proposed until"),
            "dates_note": _("How flexible are the dates?"),
            "purpose": _("Purpose of the visit or meeting"),
        }
        help_texts = {
            "date_to": _("Leave empty for a single day."),
            "dates_note": _("e.g. “Any day in the second half of May”."),
            "delegation_size": _("How many people, including yourself."),
        }
        widgets = {
            "date_from": DateInput(),
            "date_to": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "direction": forms.RadioSelect,
            "requester_kind": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_to"].required = False
        # Required radio buttons: no "---------" button for the empty choice.
        self.fields["requester_kind"].choices = VisitRequest.RequesterKind.choices  # type: ignore[attr-defined]
        self.fields["direction"].choices = VisitRequest.Direction.choices  # type: ignore[attr-defined]
        self.letter_kind: DocumentType | None = None

    def clean_date_from(self) -> Any:
        value = self.cleaned_data["date_from"]
        if value and value < timezone.localdate():
            raise ValidationError(_("The proposed date cannot be in the past."))
        return value

    def clean_letter(self) -> Any:
        upload = self.cleaned_data.get("letter")
        if upload:
            self.letter_kind = validate_letter(upload)
        return upload or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and not end and "date_to" not in self.errors:
            cleaned["date_to"] = start
            self.instance.date_to = start
        elif start and end and end < start:
            self.add_error("date_to", _("“Proposed until” cannot be before “proposed from”."))
        return cleaned


class DeclineForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text of the answer"), widget=forms.Textarea(attrs={"rows": 10}))
    note = forms.CharField(
        label=_("Internal note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the unit only: not sent."),
    )


class ReferForm(forms.Form):
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        help_text=_("e.g. “Ministry of Foreign Affairs, protocol department”."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = VisitRequestReply
        fields = ["subject_en", "body_en", "subject_hu", "body_hu"]
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 8}),
            "body_hu": forms.Textarea(attrs={"rows": 8}),
        }
