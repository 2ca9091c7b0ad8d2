"""The subscriber list's filters (the list and its export share them)."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .forms import topic_choices
from .models import Subscriber


class SubscriberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Subscriber.Status.choices, label=_("Status"))
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES, label=_("Language"))
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=topic_choices(), label=_("Topic")
    )
    source = django_filters.ChoiceFilter(
        field_name="consent_source", choices=Subscriber.Source.choices, label=_("Source")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("email", "email"), ("created_at", "created"), ("status", "status")),
        label=_("Sort by"),
    )

    class Meta:
        model = Subscriber
        fields: list[str] = []

    def search(self, queryset: QuerySet[Subscriber], name: str, value: str) -> QuerySet[Subscriber]:
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(email__icontains=value) | Q(name__icontains=value))
