"""Organisation and membership forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import Picker, PickerFormMixin
from cityrelations.core.roles import staff_users
from cityrelations.core.widgets import DateInput

from ..models import Contact, Membership, Organization, Theme


class OrganizationForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "acronym", "kind", "country", "city", "website", "themes", "description"]
        widgets = {
            "city": Picker("city"),
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = Theme.objects.order_by("kind", "order", "name")
        cast(forms.ModelChoiceField, self.fields["themes"]).queryset = themes
        self.fields["city"].help_text = _("The city where the organisation has its seat.")


class MembershipForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    """The home city's membership in one organisation.

    ``organization`` is chosen when creating (pre-filled from ``?organization=``) and fixed
    afterwards. The database allows one open membership per organisation and requires
    ``until >= since``; both are checked here first so they appear beside the fields.
    """

    coordinator = StaffUserChoiceField(
        label=_("Coordinator"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("A member of the diplomacy unit who looks after this membership."),
    )

    class Meta:
        model = Membership
        fields = [
            "organization",
            "role",
            "since",
            "until",
            "annual_fee",
            "fee_currency",
            "fee_due_on",
            "focal_point",
            "coordinator",
            "working_groups",
            "commitments",
            "next_report_due_on",
            "reporting_notes",
            "is_public",
        ]
        widgets = {
            "organization": Picker("organization"),
            "focal_point": Picker("contact"),
            "since": DateInput(),
            "until": DateInput(),
            "fee_due_on": DateInput(),
            "next_report_due_on": DateInput(),
            "working_groups": forms.Textarea(attrs={"rows": 2}),
            "commitments": forms.Textarea(attrs={"rows": 3}),
            "reporting_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "until": _("Leave empty while the membership is open."),
            "is_public": _("May be reported in the public newsletter."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A membership stays with its organisation; end it and start another instead.
            del self.fields["organization"]
        elif isinstance(self.initial.get("organization"), Organization):
            # Opened from an organisation's page: the organisation is settled.
            self.fields["organization"].disabled = True
        cast(StaffUserChoiceField, self.fields["coordinator"]).queryset = staff_users()
        organization = self._organization()
        contacts = Contact.objects.select_related("organization").order_by(
            "last_name", "first_name"
        )
        if organization is not None:
            keep = Q(organization=organization)
            if self.instance.focal_point_id:
                keep |= Q(pk=self.instance.focal_point_id)
            contacts = contacts.filter(keep)
            self.fields["focal_point"].help_text = _(
                "Contacts recorded for this organisation. Add the person as a contact of the "
                "organisation first if they are missing."
            )
        cast(forms.ModelChoiceField, self.fields["focal_point"]).queryset = contacts

    def _organization(self) -> Organization | None:
        if self.instance.pk:
            return self.instance.organization
        initial = self.initial.get("organization")
        return initial if isinstance(initial, Organization) else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date cannot be before the start date."))
        organization = cleaned.get("organization") or (
            self.instance.organization if self.instance.pk else None
        )
        if organization is not None and "until" not in self.errors and until is None:
            open_ones = Membership.objects.filter(organization=organization, until__isnull=True)
            if self.instance.pk:
                open_ones = open_ones.exclude(pk=self.instance.pk)
            if open_ones.exists():
                self.add_error(
                    "until",
                    _(
                        "%(organization)s already has an open membership. Give that one an end "
                        "date first, or enter an end date here."
                    )
                    % {"organization": organization},
                )
        return cleaned
