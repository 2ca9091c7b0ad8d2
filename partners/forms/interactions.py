"""Interactions (meetings, calls, letters…): the edit form and the list filter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from partners.forms.contacts import SearchableSelect, _model_choice
from partners.models import Contact, Interaction, Organization, Partnership, Theme

# How many contacts the form offers as ticked/suggested boxes; more are found by searching.
SHOWN_CONTACTS = 40


def _contact_label(contact: Contact) -> str:
    extra = contact.organization or contact.city
    return f"{contact.full_name} ({extra})" if extra else contact.full_name


class InteractionForm(VersionedFormMixin, forms.ModelForm):
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
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "partnership": SearchableSelect("partnership"),
            "organization": SearchableSelect("organization"),
            "contacts": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "themes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "is_public": _("May be reported in the public newsletter."),
        }

    def __init__(self, *args: Any, suggested: Iterable[Contact] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnerships = Partnership.objects.select_related("city").order_by("city__name")
        _model_choice(self, "partnership").queryset = partnerships
        _model_choice(self, "organization").queryset = Organization.objects.order_by("name")
        _model_choice(self, "themes").queryset = Theme.objects.all()
        self.fields["contacts"].help_text = _("Tick the people involved; search to find others.")
        self._limit_contact_choices(suggested)

    def _selected_contact_ids(self) -> set[int]:
        if self.is_bound:
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(self.add_prefix("contacts")) if getlist else []
            return {int(v) for v in raw if str(v).isdigit() and int(v) < 2**31}
        if self.instance.pk is not None:
            return set(self.instance.contacts.values_list("pk", flat=True))
        initial = self.initial.get("contacts") or []
        return {c.pk if isinstance(c, Contact) else int(c) for c in initial}

    def _limit_contact_choices(self, suggested: Iterable[Contact]) -> None:
        """Validate against every contact, but render only the chosen and suggested ones.

        With 100,000 contacts a full checkbox list (or <select>) would be unusable.
        """
        ids = self._selected_contact_ids() | {c.pk for c in suggested}
        shown: QuerySet[Contact] = (
            Contact.objects.filter(pk__in=ids)
            .select_related("city", "organization")
            .order_by("last_name", "first_name")[:SHOWN_CONTACTS]
            if ids
            else Contact.objects.none()
        )
        contacts_widget: Any = self.fields["contacts"].widget
        contacts_widget.choices = [(c.pk, _contact_label(c)) for c in shown]

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


class InteractionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Interaction.Kind.choices]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        required=False,
        queryset=Partnership.objects.select_related("city").order_by("city__name"),
        widget=SearchableSelect("partnership"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organization.objects.order_by("name"),
        widget=SearchableSelect("organization"),
    )
    theme = forms.ModelChoiceField(label=_("Theme"), required=False, queryset=Theme.objects.all())
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range cannot be before its start."))
        return cleaned

    def filter(self, interactions: QuerySet[Interaction]) -> QuerySet[Interaction]:
        if not self.is_valid():
            return interactions.none()
        data = self.cleaned_data
        if data["kind"]:
            interactions = interactions.filter(kind=data["kind"])
        if data["date_from"]:
            interactions = interactions.filter(occurred_on__gte=data["date_from"])
        if data["date_to"]:
            interactions = interactions.filter(occurred_on__lte=data["date_to"])
        if data["partnership"]:
            interactions = interactions.filter(partnership=data["partnership"])
        if data["organization"]:
            interactions = interactions.filter(organization=data["organization"])
        if data["theme"]:
            interactions = interactions.filter(themes=data["theme"])
        for word in (data["q"] or "").split()[:6]:
            interactions = interactions.filter(
                Q(subject__icontains=word) | Q(summary__icontains=word)
            )
        return interactions
