"""The visit's plan: participants, agenda items (the itinerary) and logistics items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.formats import format_date
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import Picker, PickerFormMixin
from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE, staff_users
from cityrelations.core.widgets import DateInput, TimeInput
from partners.models import Contact

from ..models import AgendaItem, LogisticsItem, Participant, Visit
from ..models.plan import agenda_item_cities
from .common import set_choices


class ParticipantForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    user = StaffUserChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("staff member")
    )

    class Meta:
        model = Participant
        fields = [
            "contact",
            "user",
            "role",
            "rank",
            "precedence",
            "needs_visa",
            "needs_interpreter",
            "dietary",
            "accessibility",
            "notes",
        ]
        widgets = {"contact": Picker("contact"), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.instance.visit = visit
        set_choices(self, "contact", Contact.objects.order_by("last_name", "first_name"))
        set_choices(self, "user", staff_users(DIPLOMACY_UNIT, MAYORS_OFFICE))
        self.fields["contact"].help_text = _("A partner-side contact, or…")
        self.fields["user"].help_text = _("…one of our staff. Choose exactly one.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        contact, user = cleaned.get("contact"), cleaned.get("user")
        if bool(contact) == bool(user):
            raise forms.ValidationError(
                _("Choose either a contact or a staff member (exactly one).")
            )
        others = self.visit.participants.exclude(pk=self.instance.pk)
        if contact and others.filter(contact=contact).exists():
            self.add_error("contact", _("%(name)s is already on this visit.") % {"name": contact})
        if user and others.filter(user=user).exists():
            name = user.get_full_name() or user.get_username()
            self.add_error("user", _("%(name)s is already on this visit.") % {"name": name})
        return cleaned


class AgendaItemForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["date", "start_time", "end_time", "title", "venue", "city", "attendees", "notes"]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "city": Picker("city"),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.instance.visit = visit
        cities = agenda_item_cities(visit)
        field = self.fields["city"]
        assert isinstance(field, forms.ModelChoiceField)
        if visit.cities.exists():
            # A handful of places (the visit's cities): offered as radio buttons.
            field.widget = forms.RadioSelect()
            field.empty_label = _("Not set")
        field.queryset = cities
        self.fields["date"].widget.attrs.update(
            min=visit.start_date.isoformat(), max=visit.end_date.isoformat()
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        date = cleaned.get("date")
        if date and not (self.visit.start_date <= date <= self.visit.end_date):
            self.add_error(
                "date",
                _("The visit runs from %(start)s to %(end)s; choose a date within it.")
                % {
                    "start": format_date(self.visit.start_date),
                    "end": format_date(self.visit.end_date),
                },
            )
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("The item cannot end before it starts."))
        return cleaned


class LogisticsItemForm(VersionedFormMixin, forms.ModelForm):
    owner = StaffUserChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("owner")
    )

    class Meta:
        model = LogisticsItem
        fields = ["kind", "description", "owner", "due_on", "state"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.visit = visit
        set_choices(self, "owner", staff_users(DIPLOMACY_UNIT, MAYORS_OFFICE))
