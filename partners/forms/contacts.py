"""Contacts, their offices and the merge form."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.formats import format_date
from cityrelations.core.pickers import Picker, PickerFormMixin
from cityrelations.core.widgets import DateInput
from partners.models import City, Contact, Office, Organization
from partners.models.people import CONTACT_FIELDS


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _contact_field_label(name: str) -> Any:
    return cast(models.Field, Contact._meta.get_field(name)).verbose_name


def likely_duplicates(
    *, email: str, first_name: str, last_name: str, city: City | None, exclude_pk: int | None = None
) -> QuerySet[Contact]:
    """Contacts with the same email (any case), or the same first and last name in the same city."""
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email)
    if last_name and city is not None:
        condition |= Q(first_name__iexact=first_name, last_name__iexact=last_name, city=city)
    found = Contact.objects.filter(condition).select_related("city", "organization")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("last_name", "first_name", "pk")[:10]


class ContactForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    create_anyway = forms.BooleanField(
        label=_("Create anyway: this is a different person"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "city": Picker("city"),
            "organization": Picker("organization"),
            "protocol_notes": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[Contact] = []
        _model_choice(self, "city").queryset = City.objects.order_by("name")
        _model_choice(self, "organization").queryset = Organization.objects.order_by("name")
        if self.instance.pk is not None:
            del self.fields["create_anyway"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is not None or self.errors:
            return cleaned
        self.duplicates = list(
            likely_duplicates(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
                city=cleaned.get("city"),
            )
        )
        if self.duplicates and not cleaned.get("create_anyway"):
            # Show the checkbox now that there is something to confirm.
            self.fields["create_anyway"].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                _(
                    "This looks like a contact that already exists. Open the possible duplicates "
                    "listed above, or tick “Create anyway” if this is a different person."
                ),
                code="duplicate",
            )
        return cleaned


class ContactQuickForm(forms.ModelForm):
    """The few fields of a new contact that another form creates in place (the visit's
    participant form); it is sent to the contact form's view, which checks it in full."""

    class Meta:
        model = Contact
        fields = ["honorific", "first_name", "last_name", "email", "phone"]


class OfficeForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    """An office held by a contact. On a new office, offers to end the previous holder's term."""

    end_previous = forms.BooleanField(
        label=_("End the previous holder's office on the day before this one starts"),
        required=False,
    )
    previous_reviewed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Office
        fields = ["title", "city", "organization", "started_on", "ended_on"]
        widgets = {
            "city": Picker("city"),
            "organization": Picker("organization"),
            "started_on": DateInput(),
            "ended_on": DateInput(),
        }

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.contact = contact
        self.previous_holders: list[Office] = []
        _model_choice(self, "city").queryset = City.objects.order_by("name")
        _model_choice(self, "organization").queryset = Organization.objects.order_by("name")
        if self.instance.pk is not None:
            del self.fields["end_previous"]
            del self.fields["previous_reviewed"]
        else:
            self.fields["end_previous"].widget = forms.HiddenInput()

    @property
    def handover_on(self) -> dt.date | None:
        started_on = self.cleaned_data.get("started_on") if hasattr(self, "cleaned_data") else None
        return started_on - dt.timedelta(days=1) if started_on else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        if self.instance.pk is not None or self.errors:
            return cleaned
        self.previous_holders = self._open_holders(cleaned)
        if not self.previous_holders:
            return cleaned
        if not cleaned.get("previous_reviewed"):
            self.fields["end_previous"].widget = forms.CheckboxInput()
            # Re-display with the choice ticked; the hidden marker says it has been shown.
            data: Any = self.data
            data = data.copy()
            data[self.add_prefix("previous_reviewed")] = "True"
            data[self.add_prefix("end_previous")] = "on"
            self.data = data
            raise forms.ValidationError(
                _(
                    "Someone else holds this office with no end date. Choose whether to end "
                    "their term, then save again."
                ),
                code="previous_holder",
            )
        if cleaned.get("end_previous"):
            self._check_handover_possible(started_on)
        return cleaned

    def _open_holders(self, cleaned: dict[str, Any]) -> list[Office]:
        title = (cleaned.get("title") or "").strip()
        if not title:
            return []
        return list(
            Office.objects.filter(
                title__iexact=title, city=cleaned.get("city"), ended_on__isnull=True
            )
            .exclude(contact=self.instance.contact)
            .select_related("contact", "city")
        )

    def _check_handover_possible(self, started_on: dt.date | None) -> None:
        if started_on is None:
            self.add_error(
                "started_on", _("Give a start date so the previous term can end the day before.")
            )
            return
        handover = started_on - dt.timedelta(days=1)
        for office in self.previous_holders:
            if office.started_on and office.started_on > handover:
                self.add_error(
                    "started_on",
                    _("%(name)s only took this office on %(date)s.")
                    % {"name": office.contact, "date": format_date(office.started_on)},
                )


def richer_side(value_a: Any, value_b: Any) -> str:
    """Which of two values a merge keeps by default: a filled one over an empty one, then the
    longer (more complete) text; A when they are as rich."""
    text_a = "" if value_a is None else str(value_a).strip()
    text_b = "" if value_b is None else str(value_b).strip()
    return "b" if len(text_b) > len(text_a) else "a"


def _same_reachability(name: str, value_a: str, value_b: str) -> bool:
    """Whether two emails (any case) or phone numbers (any spacing) reach the same place."""
    if name == "email":
        return value_a.strip().casefold() == value_b.strip().casefold()
    return "".join(c for c in value_a if c.isdigit()) == "".join(c for c in value_b if c.isdigit())


class MergeForm(forms.Form):
    """Per field, whose value survives the merge; and which of the two records is kept.

    The richer value is chosen by default (see :func:`richer_side`); an email or phone number
    that loses is never dropped: the contact has one of each, so it is added to the notes.
    """

    FIELDS = ContactForm.Meta.fields
    TEXT_FIELDS = ("protocol_notes", "notes")
    REACH_FIELDS = ("email", "phone")

    keep = forms.ChoiceField(
        label=_("Keep record"),
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, a: Contact, b: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.a, self.b = a, b
        cast(forms.ChoiceField, self.fields["keep"]).choices = [
            ("a", f"A: {a} (#{a.pk})"),
            ("b", f"B: {b} (#{b.pk})"),
        ]
        self.fields["keep"].initial = "a"
        for name in self.FIELDS:
            choices = [("a", _("A")), ("b", _("B"))]
            value_a, value_b = getattr(a, name), getattr(b, name)
            initial = richer_side(value_a, value_b)
            if name in self.TEXT_FIELDS:
                choices.append(("both", _("Both, A then B")))
                if value_a and value_b and value_a.strip() != value_b.strip():
                    initial = "both"
            self.fields[f"pick_{name}"] = forms.ChoiceField(
                label=_contact_field_label(name),
                choices=choices,
                initial=initial,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def rows(self) -> list[dict[str, Any]]:
        """One row per field for the side-by-side table."""
        return [
            {
                "field": self[f"pick_{name}"],
                "label": _contact_field_label(name),
                "a": getattr(self.a, name),
                "b": getattr(self.b, name),
                "same": getattr(self.a, name) == getattr(self.b, name),
                "text": name in self.TEXT_FIELDS,
            }
            for name in self.FIELDS
        ]

    def keep_and_remove(self) -> tuple[Contact, Contact]:
        return (self.a, self.b) if self.cleaned_data["keep"] == "a" else (self.b, self.a)

    def _picks(self) -> dict[str, str]:
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(f"pick_{name}") or str(self.fields[f"pick_{name}"].initial)
            for name in self.FIELDS
        }

    def set_aside(self) -> list[tuple[str, str]]:
        """The email or phone number not chosen (when it differs): kept in the notes, as
        (field label, value); the preview lists them."""
        aside: list[tuple[str, str]] = []
        picks = self._picks()
        for name in self.REACH_FIELDS:
            value_a, value_b = getattr(self.a, name) or "", getattr(self.b, name) or ""
            loser = value_b if picks[name] == "a" else value_a
            if loser and not _same_reachability(name, value_a, value_b):
                aside.append((str(_contact_field_label(name)), loser))
        return aside

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, pick in self._picks().items():
            value_a, value_b = getattr(self.a, name), getattr(self.b, name)
            if pick == "both":
                values[name] = "\n\n".join(v for v in (value_a, value_b) if v)
            else:
                values[name] = value_a if pick == "a" else value_b
        aside = self.set_aside()
        if aside:
            lines = [
                gettext("Also %(field)s (kept when merging): %(value)s")
                % {"field": label, "value": value}
                for label, value in aside
            ]
            values["notes"] = "\n".join(filter(None, [values["notes"], *lines]))
        return values
