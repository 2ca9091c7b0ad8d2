"""Forms for visits, participants, agenda items, logistics items and workflow decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cityrelations.core import roles
from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from partners.models import City, Contact, Organization, Partnership

from .models import AgendaItem, LogisticsItem, Participant, Visit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def staff_users() -> Any:
    return roles.staff_users(DIPLOMACY_UNIT, MAYORS_OFFICE)


def set_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class VisitForm(VersionedFormMixin, forms.ModelForm):
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
            "cities": forms.SelectMultiple(attrs={"size": 6}),
            "organizations": forms.SelectMultiple(attrs={"size": 6}),
            "themes": forms.SelectMultiple(attrs={"size": 6}),
            "sdgs": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "cities", City.objects.order_by("name"))
        set_choices(self, "organizations", Organization.objects.order_by("name"))
        set_choices(self, "partnership", Partnership.objects.select_related("city"))
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
                    _(
                        "%(count)d agenda item(s) would fall outside these dates. "
                        "Move or delete them first."
                    )
                    % {"count": outside},
                )
        return cleaned


class ParticipantForm(VersionedFormMixin, forms.ModelForm):
    user = UserChoiceField(queryset=None, required=False, label=_("staff member"))  # type: ignore[arg-type]

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
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.instance.visit = visit
        set_choices(self, "contact", Contact.objects.order_by("last_name", "first_name"))
        set_choices(self, "user", staff_users())
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


class AgendaItemForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["date", "start_time", "end_time", "title", "venue", "city", "attendees", "notes"]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.instance.visit = visit
        city_ids = list(visit.cities.values_list("pk", flat=True))
        cities = City.objects.order_by("name")
        # The visit's own cities first is friendlier, but any city may host an item.
        set_choices(self, "city", cities.filter(pk__in=city_ids) if city_ids else cities)
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
                % {"start": self.visit.start_date, "end": self.visit.end_date},
            )
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("The item cannot end before it starts."))
        return cleaned


class LogisticsItemForm(VersionedFormMixin, forms.ModelForm):
    owner = UserChoiceField(queryset=None, required=False, label=_("owner"))  # type: ignore[arg-type]

    class Meta:
        model = LogisticsItem
        fields = ["kind", "description", "owner", "due_on", "state"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.visit = visit
        set_choices(self, "owner", staff_users())


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
