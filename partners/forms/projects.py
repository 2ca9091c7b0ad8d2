"""Cooperation projects: the edit form and the list filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from partners.forms.contacts import SearchableSelectMultiple, _model_choice
from partners.models import SDG, Organization, Partnership, Project, Theme


class ProjectForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "status",
            "partnerships",
            "organizations",
            "funding_programme",
            "budget",
            "currency",
            "starts_on",
            "ends_on",
            "coordinator",
            "description",
            "outcomes",
            "themes",
            "sdgs",
            "is_public",
        ]
        widgets = {
            "partnerships": SearchableSelectMultiple("partnership"),
            "organizations": SearchableSelectMultiple("organization"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
            "sdgs": forms.CheckboxSelectMultiple,
        }
        help_texts = {"is_public": _("May be reported in the public newsletter.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partnerships = Partnership.objects.select_related("city").order_by("city__name")
        _model_choice(self, "partnerships").queryset = partnerships
        _model_choice(self, "organizations").queryset = Organization.objects.order_by("name")
        users = get_user_model().objects.filter(is_active=True)
        coordinator = _model_choice(self, "coordinator")
        coordinator.queryset = users.order_by("first_name", "last_name", "username")
        coordinator.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[assignment,method-assign]
        self.fields["budget"].widget.attrs["min"] = "0"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned


class ProjectFilterForm(forms.Form):
    SORTS: dict[str, tuple[Any, ...]] = {
        "-starts_on": (F("starts_on").desc(nulls_last=True), "title", "pk"),
        "starts_on": (F("starts_on").asc(nulls_last=True), "title", "pk"),
        "title": ("title", "pk"),
        "-budget": (F("budget").desc(nulls_last=True), "title", "pk"),
        "-updated": ("-updated_at", "-pk"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Project.Status.choices]
    )
    theme = forms.ModelChoiceField(label=_("Theme"), required=False, queryset=Theme.objects.all())
    sdg = forms.ModelChoiceField(label=_("SDG"), required=False, queryset=SDG.objects.all())
    programme = forms.ChoiceField(label=_("Funding programme"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-starts_on", _("Newest first")),
            ("starts_on", _("Oldest first")),
            ("title", _("Title")),
            ("-budget", _("Largest budget")),
            ("-updated", _("Recently updated")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = (
            Project.objects.exclude(funding_programme="")
            .order_by("funding_programme")
            .values_list("funding_programme", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["programme"]).choices = [("", _("Any programme"))] + [
            (p, p) for p in programmes
        ]

    def filter(self, projects: QuerySet[Project]) -> QuerySet[Project]:
        if not self.is_valid():
            return projects.none()
        data = self.cleaned_data
        if data["status"]:
            projects = projects.filter(status=data["status"])
        if data["theme"]:
            projects = projects.filter(themes=data["theme"])
        if data["sdg"]:
            projects = projects.filter(sdgs=data["sdg"])
        if data["programme"]:
            projects = projects.filter(funding_programme=data["programme"])
        for word in (data["q"] or "").split()[:6]:
            projects = projects.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(funding_programme__icontains=word)
            )
        sort = self.SORTS.get(data["sort"] or "-starts_on", self.SORTS["-starts_on"])
        return projects.order_by(*sort)
