"""Opportunities: the edit form, and the form that moves one to another stage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import Picker, PickerFormMixin, PickerMultiple
from cityrelations.core.roles import active_users
from partners.forms.contacts import _model_choice
from partners.models import Opportunity
from partners.models.opportunities import Stage


class OpportunityForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    """The stage is not here: it moves on the board or the detail page (``pipeline``), where
    won and lost ask for their reason and the move is recorded."""

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "organization",
            "city",
            "country",
            "contacts",
            "sector",
            "themes",
            "value",
            "currency",
            "expected_jobs",
            "owner",
            "description",
            "interactions",
        ]
        widgets = {
            "organization": Picker("organization"),
            "city": Picker("city"),
            "contacts": PickerMultiple("contact"),
            "interactions": PickerMultiple("interaction"),
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"owner": StaffUserChoiceField}
        help_texts = {
            "country": _("Leave empty to use the city's country."),
            "value": _("The investment or deal value, as estimated now."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any active user, as for a project's coordinator: narrowing the choice would make a
        # lead owned by someone who changed role fail validation on its next edit.
        _model_choice(self, "owner").queryset = active_users()
        self.fields["value"].widget.attrs["min"] = "0"
        self.fields["expected_jobs"].widget.attrs["min"] = "0"


class MoveForm(forms.Form):
    """Move to a stage; won and lost need a reason (the service checks it again)."""

    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the opportunity is won or lost."),
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current:  # on the opportunity's page: every stage but the one it is at
            field = self.fields["stage"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, label) for v, label in Stage.choices if v != current]
