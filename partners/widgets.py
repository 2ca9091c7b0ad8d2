"""Widgets of the partners forms and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from cityrelations.core.views import ids_from_query


class SearchableSelect(forms.Select):
    """A <select> that renders only the chosen option(s), plus a search box that fetches more.

    With thousands of cities, partnerships or organisations a full <select> takes seconds to
    render. The form field still validates against its whole queryset. ``kind`` names the
    option source of ``partners:option_search`` ("city", "organization", "partnership",
    "contact").
    """

    template_name = "partners/_contact_searchable_select.html"

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        iterator = self.choices
        chosen = ids_from_query(str(v) for v in value if v not in ("", None))
        limited: list[tuple[Any, str]] = [] if self.allow_multiple_selected else [("", "---------")]
        queryset = getattr(iterator, "queryset", None)
        field = getattr(iterator, "field", None)
        if chosen and queryset is not None and field is not None:
            label = field.label_from_instance
            limited += [(obj.pk, label(obj)) for obj in queryset.filter(pk__in=chosen)]
        self.choices = limited
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kind"] = self.kind
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (not the form renderer's): the template uses {% url %}.
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))


class SearchableSelectMultiple(SearchableSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False
