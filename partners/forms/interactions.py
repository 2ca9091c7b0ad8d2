"""Interactions (meetings, calls, letters…): the edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.pickers import Picker, PickerFormMixin, PickerMultiple
from cityrelations.core.widgets import DateInput
from partners.forms.contacts import _model_choice
from partners.forms.tasks import FollowUpTaskFields
from partners.models import Contact, Interaction, Organization, Partnership, Theme


class InteractionForm(FollowUpTaskFields, PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "kind",
            "occurred_on",
            "subject",
            "summary",
            "partnership",
            "organization",
            "contacts",
            "themes",
            "follow_up",
            "is_public",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "partnership": Picker("partnership"),
            "organization": Picker("organization"),
            "contacts": PickerMultiple("contact"),
            "themes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "is_public": _("May be reported in the public newsletter."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnerships = Partnership.objects.select_related("city").order_by("city__name")
        _model_choice(self, "partnership").queryset = partnerships
        _model_choice(self, "organization").queryset = Organization.objects.order_by("name")
        _model_choice(self, "contacts").queryset = Contact.objects.all()
        _model_choice(self, "themes").queryset = Theme.objects.all()
        self.fields["contacts"].help_text = _("The people involved.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        links = ("partnership", "organization", "contacts")
        # A field that failed its own validation already says so; do not pile on.
        if not any(cleaned.get(f) for f in links) and not any(f in self.errors for f in links):
            raise forms.ValidationError(
                _("Link it to a partnership, an organisation or at least one contact."),
                code="unlinked",
            )
        return cleaned
