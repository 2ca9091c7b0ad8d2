"""The newsletter lists' filters: subscribers (the list and its export share them), stories
and editions."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cityrelations.core.filters import StyledFilterSet
from cityrelations.core.languages import site_languages
from cityrelations.core.search import searched

from .forms import topic_choices
from .models import Edition, Story, Subscriber

MAX_STORY_SEARCH = 100


class SubscriberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=Subscriber.Status.choices, label=_("Status"))
    language = django_filters.ChoiceFilter(choices=site_languages, label=_("Language"))
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


class StoryFilter(StyledFilterSet):
    """Kind and title search; an unknown kind is left out, the search still applies."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(
        choices=Story.Kind.choices, label=_("Kind"), empty_label=_("All kinds")
    )

    class Meta:
        model = Story
        fields: list[str] = []

    @property
    def query(self) -> str:
        """The search as applied (stripped, at most ``MAX_STORY_SEARCH`` characters)."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return str(cleaned.get("q") or "")[:MAX_STORY_SEARCH]

    def search(self, queryset: QuerySet[Story], name: str, value: str) -> QuerySet[Story]:
        """In the title in every language: staff find a story by the words they remember."""
        return searched(queryset, value[:MAX_STORY_SEARCH])


class EditionFilter(StyledFilterSet):
    """The edition's status; an unknown one shows every edition."""

    status = django_filters.ChoiceFilter(choices=Edition.Status.choices, label=_("Status"))

    class Meta:
        model = Edition
        fields: list[str] = []
