"""Contacts, their offices, the contact list filter and the merge form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cityrelations.core.concurrency import VersionedFormMixin
from partners.models import City, Contact, Office, Organization
from partners.models.people import CONTACT_FIELDS


class SearchableSelect(forms.Select):
    """A <select> that renders only the chosen option(s), plus a search box that fetches more.

    With thousands of cities, partnerships or organisations a full <select> takes seconds to
    render. The form field still validates against its whole queryset. ``kind`` names the
    option source of ``partners:option_search`` ("city", "organization", "partnership",
    "contact").
    """

    template_name = "partners/_contact_searchable_select.html"

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        iterator = self.choices
        chosen = [v for v in value if v not in ("", None) and str(v).isdigit()]
        limited: list[tuple[Any, str]] = [] if self.allow_multiple_selected else [("", "---------")]
        queryset = getattr(iterator, "queryset", None)
        field = getattr(iterator, "field", None)
        if chosen and queryset is not None and field is not None:
            label = field.label_from_instance
            limited += [(obj.pk, label(obj)) for obj in queryset.filter(pk__in=chosen)]
        self.choices = limited
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kind"] = self.kind
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (not the form renderer's): the template uses {% url %}.
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))


class SearchableSelectMultiple(SearchableSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


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


class ContactForm(VersionedFormMixin, forms.ModelForm):
    create_anyway = forms.BooleanField(
        label=_("Create anyway: this is a different person"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "city": SearchableSelect("city"),
            "organization": SearchableSelect("organization"),
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
                    "below, or tick “Create anyway” if this is a different person."
                ),
                code="duplicate",
            )
        return cleaned


class OfficeForm(VersionedFormMixin, forms.ModelForm):
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
            "city": SearchableSelect("city"),
            "organization": SearchableSelect("organization"),
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
                    % {"name": office.contact, "date": office.started_on},
                )


MATCHED_IDS_LIMIT = 500  # organisations or cities matching one search word, looked up first


def _matching_ids(queryset: QuerySet[Any]) -> list[int] | QuerySet[Any]:
    """The ids of a few matching rows as a list, or the query itself when there are many.

    A literal list lets the database see how few contacts it matches, so it combines index
    scans (BitmapOr) instead of filtering every contact against a subquery.
    """
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MATCHED_IDS_LIMIT + 1])
    return queryset.order_by().values("pk") if len(ids) > MATCHED_IDS_LIMIT else ids


def search_contacts(contacts: QuerySet[Contact], query: str) -> QuerySet[Contact]:
    """Every word must appear in the name or email, or in the organisation's or city's name.

    Organisations and cities (small tables) are looked up first, one query per word. On
    PostgreSQL the name and email parts use the trigram indexes of partners migration 0006, so
    a search over 100,000 contacts reads only matching rows.
    """
    for word in query.split()[:6]:
        organizations = Organization.objects.filter(
            Q(name__icontains=word) | Q(acronym__icontains=word)
        )
        cities = City.objects.filter(name__icontains=word)
        contacts = contacts.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organization__in=_matching_ids(organizations))
            | Q(city__in=_matching_ids(cities))
        )
    return contacts


def _language_pattern(language: str) -> str:
    """A case-insensitive regex matching one whole item of the comma-separated languages list."""
    return r"(^|[,;/ ])" + re.escape(language) + r"($|[,;/ ])"


class ContactFilterForm(forms.Form):
    SORTS = {
        "name": ("last_name", "first_name", "pk"),
        "-name": ("-last_name", "-first_name", "-pk"),
        "city": ("city__name", "last_name", "pk"),
        "organization": ("organization__name", "last_name", "pk"),
        "-updated": ("-updated_at", "-pk"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    # Typed names rather than <select>s: thousands of cities and organisations would make the
    # page heavy. Links from a city or organisation page pass its id in the hidden fields.
    city_name = forms.CharField(label=_("City"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    organization_name = forms.CharField(label=_("Organisation"), required=False, max_length=100)
    language = forms.CharField(label=_("Language"), required=False, max_length=40)
    city = forms.ModelChoiceField(
        queryset=City.objects.all(), required=False, widget=forms.HiddenInput
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name (A to Z)")),
            ("-name", _("Name (Z to A)")),
            ("city", _("City")),
            ("organization", _("Organisation")),
            ("-updated", _("Recently updated")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only offer countries some contact is in; EXISTS uses the foreign-key index.
        has_contacts = Exists(Contact.objects.filter(city=OuterRef("pk")))
        codes = set(
            City.objects.filter(has_contacts)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("Any country"))] + [
            (code, name) for code, name in countries if code in codes
        ]

    def filter(self, contacts: QuerySet[Contact]) -> QuerySet[Contact]:
        if not self.is_valid():
            return contacts.order_by(*self.SORTS["name"])
        data = self.cleaned_data
        contacts = search_contacts(contacts, data["q"] or "")
        if data["city"]:
            contacts = contacts.filter(city=data["city"])
        if data["city_name"].strip():
            contacts = contacts.filter(city__name__icontains=data["city_name"].strip())
        if data["country"]:
            contacts = contacts.filter(city__country=data["country"])
        if data["organization"]:
            contacts = contacts.filter(organization=data["organization"])
        organization_name = data["organization_name"].strip()
        if organization_name:
            contacts = contacts.filter(
                Q(organization__name__icontains=organization_name)
                | Q(organization__acronym__iexact=organization_name)
            )
        language = data["language"].strip()
        if language:
            contacts = contacts.filter(languages__iregex=_language_pattern(language))
        return contacts.order_by(*self.SORTS.get(data["sort"] or "name", self.SORTS["name"]))


class MergeForm(forms.Form):
    """Per field, whose value survives the merge; and which of the two records is kept."""

    FIELDS = ContactForm.Meta.fields
    TEXT_FIELDS = ("protocol_notes", "notes")

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
            if name in self.TEXT_FIELDS:
                choices.append(("both", _("Both, A then B")))
            value_a, value_b = getattr(a, name), getattr(b, name)
            initial = "a" if value_a not in ("", None) or value_b in ("", None) else "b"
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

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.FIELDS:
            pick = self.cleaned_data[f"pick_{name}"]
            value_a, value_b = getattr(self.a, name), getattr(self.b, name)
            if pick == "both":
                values[name] = "\n\n".join(v for v in (value_a, value_b) if v)
            else:
                values[name] = value_a if pick == "a" else value_b
        return values
