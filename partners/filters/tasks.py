"""The "my tasks" filters: state (open unless asked), when due, and the kind of linked record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import StyledFilterSet

from ..models import Task, week_end
from ..taskkinds import kind_named, kinds

ANY_STATE = "any"
DUE_CHOICES = [
    ("overdue", _("Overdue")),
    ("this_week", _("Due this week")),
    ("later", _("Later or undated")),
]


def _kind_choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.label) for kind in kinds()]


class TaskFilter(StyledFilterSet):
    """An invalid value shows no task (the form says what is wrong)."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[*Task.State.choices, (ANY_STATE, _("Any state"))],
        empty_label=None,
        method="filter_state",
    )
    due = django_filters.ChoiceFilter(
        label=_("Due"), choices=DUE_CHOICES, empty_label=_("Any time"), method="filter_due"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Linked to"), choices=_kind_choices, empty_label=_("Anything"), method="filter_kind"
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, today: dt.date | None = None, **kw: Any):
        if data is not None and not data.get("state"):
            data = data.copy()
            data["state"] = Task.State.OPEN
        super().__init__(data, *args, **kw)
        self.today = today or timezone.localdate()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset if value == ANY_STATE else queryset.filter(state=value)

    def filter_due(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "overdue":
            return queryset.filter(due_on__lt=self.today)
        end = week_end(self.today)
        if value == "this_week":
            return queryset.filter(due_on__gte=self.today, due_on__lte=end)
        return queryset.filter(Q(due_on__gt=end) | Q(due_on__isnull=True))

    def filter_kind(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        kind = kind_named(value)
        return queryset.filter(content_type=kind.content_type()) if kind else queryset.none()
