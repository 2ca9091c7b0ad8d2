"""The partnership form: lifecycle dates and the model's constraints as form errors."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.pickers import Picker, PickerFormMixin
from cityrelations.core.roles import BY_NAME, staff_users
from cityrelations.core.transitions import TransitionError
from cityrelations.core.widgets import DateInput

from ..lifecycle import check_partnership_transition
from ..models import City, Partnership, home_city_partner_refusal
from ..models.partnerships import LIFECYCLE_FIELDS


class CityChoiceField(forms.ModelChoiceField):
    """A city as every page names it, in the reader's language ("Varsó, Lengyelország")."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj) + (f" ({obj.region})" if obj.region else "")


class PartnershipForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    city = CityChoiceField(
        queryset=City.objects.order_by("name", "country"), label=_("City"), widget=Picker("city")
    )
    coordinator = StaffUserChoiceField(
        queryset=staff_users(),
        required=False,
        label=_("Coordinator"),
        help_text=_("A member of the diplomacy unit."),
    )

    class Meta:
        model = Partnership
        fields = [
            "city",
            "level",
            *LIFECYCLE_FIELDS,
            "coordinator",
            "themes",
            "sdgs",
            "summary",
            "notes",
            "is_public",
        ]
        widgets = {
            "proposed_on": DateInput(),
            "established_on": DateInput(),
            "ended_on": DateInput(),
            "council_resolution_on": DateInput(),
            "themes": forms.CheckboxSelectMultiple,
            "sdgs": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coordinators = staff_users()
        if self.instance.coordinator_id:
            # Keep a former member selectable on the partnership they still coordinate.
            coordinators = (
                type(self.instance.coordinator)
                .objects.filter(
                    Q(pk__in=coordinators.values("pk")) | Q(pk=self.instance.coordinator_id)
                )
                .order_by(*BY_NAME)
            )
        cast(StaffUserChoiceField, self.fields["coordinator"]).queryset = coordinators
        self._saved_status = "" if self.instance._state.adding else self.instance.status

    def full_clean(self) -> None:
        super().full_clean()
        # After the version check: a form refused as stale is checked again when saved again.
        if self.is_bound and not self.version_conflict:
            self._check_lifecycle()

    def _check_lifecycle(self) -> None:
        """An edit may change the status only along the lifecycle (a new one takes any)."""
        status = self.cleaned_data.get("status")
        if not self._saved_status or not status or status == self._saved_status:
            return
        try:
            check_partnership_transition(status=self._saved_status, to=status)
        except TransitionError as error:
            self.add_error("status", error.message)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        established_on, ended_on = data.get("established_on"), data.get("ended_on")
        proposed_on = data.get("proposed_on")
        if established_on and ended_on and ended_on < established_on:
            self.add_error(
                "ended_on", _("The end date cannot be before the date it was established.")
            )
        if proposed_on and established_on and established_on < proposed_on:
            self.add_error(
                "established_on", _("A partnership cannot be established before it was proposed.")
            )
        if status == Partnership.Status.ENDED and not ended_on and not self.has_error("ended_on"):
            self.add_error("ended_on", _("Give the date an ended partnership ended."))
        if ended_on and status and status != Partnership.Status.ENDED:
            self.add_error(
                "ended_on",
                _(
                    "Only an ended partnership has an end date: "
                    "set the status to Ended or clear the date."
                ),
            )
        city = data.get("city")
        if city is not None and city.is_home:
            self.add_error("city", home_city_partner_refusal(city))
        elif city is not None and status and status != Partnership.Status.ENDED:
            other = (
                Partnership.objects.open().filter(city=city).exclude(pk=self.instance.pk).first()
            )
            if other is not None:
                self.add_error(
                    "city",
                    format_html(
                        gettext(
                            '{city} already has an open partnership: <a href="{url}">{other}</a>. '
                            "End it first, or edit that one."
                        ),
                        city=city,
                        url=other.get_absolute_url(),
                        other=other,
                    ),
                )
        return data


def partnership_integrity_message(partnership: Partnership) -> str:
    """For the rare race where the database constraint fires after the form was valid."""
    return str(
        _("%(city)s already has an open partnership (someone saved one a moment ago).")
        % {"city": partnership.city}
    )
