"""The visit form and the workflow decision's comment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.pickers import Picker, PickerFormMixin, PickerMultiple
from cityrelations.core.widgets import DateInput
from partners.models import City, Contact, Opportunity, Organization, Partnership

from ..models import Visit
from .common import set_choices


class VisitForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "direction",
            "title",
            "purpose",
            "level",
            "start_date",
            "end_date",
            "cities",
            "organizations",
            "partnership",
            "opportunities",
            "themes",
            "sdgs",
            "budget",
            "currency",
            "head_of_delegation",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "cities": PickerMultiple("city"),
            "organizations": PickerMultiple("organization"),
            "partnership": Picker("partnership"),
            "opportunities": PickerMultiple("opportunity"),
            "head_of_delegation": Picker("contact"),
            "themes": forms.CheckboxSelectMultiple,
            "sdgs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "cities", City.objects.order_by("name"))
        set_choices(self, "organizations", Organization.objects.order_by("name"))
        set_choices(self, "partnership", Partnership.objects.select_related("city"))
        set_choices(self, "opportunities", Opportunity.objects.order_by("title"))
        set_choices(self, "head_of_delegation", Contact.objects.order_by("last_name", "first_name"))
        self.fields["budget"].widget.attrs["min"] = "0"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The visit cannot end before it starts."))
        elif start and end and self.instance.pk:
            outside = self.instance.agenda_items.exclude(date__range=(start, end)).count()
            if outside:
                self.add_error(
                    None,
                    ngettext(
                        "%(count)d agenda item would fall outside these dates. "
                        "Move or delete it first.",
                        "%(count)d agenda items would fall outside these dates. "
                        "Move or delete them first.",
                        outside,
                    )
                    % {"count": outside},
                )
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
