"""Interactions (meetings, calls, letters…): the edit form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.views import ids_from_query
from cityrelations.core.widgets import DateInput
from partners.forms.contacts import _model_choice
from partners.forms.tasks import FollowUpTaskFields
from partners.models import Contact, Interaction, Organization, Partnership, Theme
from partners.widgets import SearchableSelect

# How many contacts the form offers as ticked/suggested boxes; more are found by searching.
SHOWN_CONTACTS = 40


def _contact_label(contact: Contact) -> str:
    extra = contact.organization or contact.city
    return f"{contact.full_name} ({extra})" if extra else contact.full_name


class InteractionForm(FollowUpTaskFields, VersionedFormMixin, forms.ModelForm):
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
            return set(ids_from_query(str(v) for v in raw))
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
