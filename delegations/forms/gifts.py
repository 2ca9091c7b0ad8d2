"""The gift form of the gifts register."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.formats import format_date
from cityrelations.core.pickers import Picker, PickerFormMixin
from cityrelations.core.widgets import DateInput
from partners.models import Contact, Office

from ..models import Gift, Participant, Visit

# The visit choice offers recent and coming visits (plus the one already linked), which keeps
# the list short however many years of visits the register holds.
VISIT_CHOICE_YEARS_BACK = 2


def visit_choice_label(visit: Visit) -> str:
    return f"{format_date(visit.start_date)} · {visit.title}"


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return visit_choice_label(obj)


def visit_choices(*, keep: int | None = None) -> QuerySet[Visit]:
    since = timezone.localdate() - dt.timedelta(days=365 * VISIT_CHOICE_YEARS_BACK)
    condition = Q(start_date__gte=since)
    if keep is not None:
        condition |= Q(pk=keep)
    return (
        Visit.objects.filter(condition)
        .only("pk", "title", "start_date")
        .order_by("-start_date", "title")
    )


def counterpart_contact_choices(*, keep: int | None = None) -> QuerySet[Contact]:
    """People gifts are exchanged with: office holders and visit participants."""
    condition = Q(Exists(Office.objects.filter(contact=OuterRef("pk")))) | Q(
        Exists(Participant.objects.filter(contact=OuterRef("pk")))
    )
    if keep is not None:
        condition |= Q(pk=keep)
    return Contact.objects.filter(condition).order_by("last_name", "first_name")


class GiftForm(PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    visit = VisitChoiceField(
        label=_("Visit"),
        queryset=Visit.objects.none(),
        required=False,
        help_text=_("Recent and coming visits. Leave empty for a gift outside a visit."),
    )

    class Meta:
        model = Gift
        fields = [
            "direction",
            "date",
            "description",
            "value",
            "currency",
            "visit",
            "counterpart",
            "counterpart_contact",
            "storage_location",
            "disposition",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "counterpart_contact": Picker("gift_counterpart"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "value": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }
        help_texts = {
            "counterpart_contact": _(
                "Internal only; never published. Office holders and visit participants are offered."
            ),
            "value": _("Estimated value; leave empty if unknown."),
            "notes": _("Internal only; never published."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial_visit = self.initial.get("visit")
        keep_visit = self.instance.visit_id or getattr(initial_visit, "pk", initial_visit)
        cast(forms.ModelChoiceField, self.fields["visit"]).queryset = visit_choices(keep=keep_visit)
        cast(
            forms.ModelChoiceField, self.fields["counterpart_contact"]
        ).queryset = counterpart_contact_choices(keep=self.instance.counterpart_contact_id)
