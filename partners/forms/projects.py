"""Cooperation projects: the edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import PickerFormMixin, PickerMultiple
from cityrelations.core.roles import active_users
from cityrelations.core.widgets import DateInput
from partners.forms.contacts import _model_choice
from partners.models import Organization, Partnership, Project


class ProjectForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "status",
            "partnerships",
            "organizations",
            "funding_programme",
            "budget",
            "currency",
            "starts_on",
            "ends_on",
            "coordinator",
            "description",
            "outcomes",
            "themes",
            "sdgs",
            "is_public",
        ]
        widgets = {
            "partnerships": PickerMultiple("partnership"),
            "organizations": PickerMultiple("organization"),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "sdgs": forms.CheckboxSelectMultiple,
        }
        field_classes = {"coordinator": StaffUserChoiceField}
        help_texts = {"is_public": _("May be reported in the public newsletter.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnerships = Partnership.objects.select_related("city").order_by("city__name")
        _model_choice(self, "partnerships").queryset = partnerships
        _model_choice(self, "organizations").queryset = Organization.objects.order_by("name")
        # Any active user, not only staff_users(): a project's coordinator has always been
        # chosen from everyone who can sign in, and narrowing the choice would make a project
        # coordinated by someone outside the diplomacy unit fail validation on its next edit.
        _model_choice(self, "coordinator").queryset = active_users()
        self.fields["budget"].widget.attrs["min"] = "0"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned
