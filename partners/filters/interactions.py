"""The interaction list's filters: kind, a date range, partnership, organisation, theme, search."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import words_condition
from cityrelations.core.widgets import DateInput

from ..models import Contact, Interaction, Organization, Partnership, Theme
from ..widgets import SearchableSelect


class InteractionFilterForm(forms.Form):
    """The filter's form: a date range must not end before it starts."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the range cannot be before its start."))
        return cleaned


class InteractionFilter(django_filters.FilterSet):
    """An invalid value anywhere shows no interaction (the form says what is wrong)."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Interaction.Kind.choices, empty_label=_("Any kind")
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="occurred_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="occurred_on",
        lookup_expr="lte",
        widget=DateInput(),
    )
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partnership"),
        queryset=Partnership.objects.select_related("city").order_by("city__name"),
        widget=SearchableSelect("partnership"),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        widget=SearchableSelect("organization"),
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), field_name="themes", queryset=Theme.objects.all()
    )
    # From a contact's hub, "Show all": the interactions the contact took part in (hidden).
    contact = django_filters.ModelChoiceFilter(
        field_name="contacts", queryset=Contact.objects.all(), widget=forms.HiddenInput
    )
    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="search")

    class Meta:
        model = Interaction
        fields: list[str] = []
        form = InteractionFilterForm

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(words_condition(("subject", "summary"), value))
