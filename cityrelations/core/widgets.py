"""The widgets the apps' forms share: the browser's date and time pickers, and a ``<select>``
rendered without a template per option.

:class:`DateInput` and :class:`TimeInput` write the ISO value an ``<input type="date">`` or
``type="time"`` expects, whatever the language: the localised format ("2024.05.01." in
Hungarian) would leave the picker empty.

Django renders each ``<option>`` through two included templates: the country filter's 250
options were the largest cost of the partnership list, and the visit list offers thousands of
cities. :class:`QuickSelect` follows Django's selection rules and writes the same HTML with
``format_html``; a test compares its output with Django's.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def _escape(value: Any) -> str:
    """``conditional_escape`` for one option (a plain function: there may be thousands)."""
    return value if type(value) is SafeString else html.escape(str(value))


_GROUP = (list, tuple)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class QuickSelectMixin(forms.Select):
    """Django's ``optgroups()`` selection rules, without building an option dict per choice.
    Put before ``forms.Select`` or ``forms.SelectMultiple`` in a widget's bases."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            final_attrs["multiple"] = True
        wanted = set(self.format_value(value))
        has_selected = False

        def option(value: Any, label: Any) -> str:
            nonlocal has_selected
            selected = (not has_selected or multiple) and str(value) in wanted
            has_selected |= selected
            return (
                f'<option value="{_escape(value)}"{" selected" if selected else ""}>'
                f"{_escape(label)}</option>"
            )

        parts: list[str] = []
        for group_value, group_label in self.choices:
            if group_value is None:
                group_value = ""
            if not isinstance(group_label, _GROUP):
                parts.append(option(group_value, group_label))
                continue
            options = "".join(option(v, label) for v, label in group_label)
            if group_value:
                parts.append(f'<optgroup label="{_escape(group_value)}">{options}</optgroup>')
            else:
                parts.append(options)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(parts)),  # every value and label is escaped
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


def quicken(widget: forms.Widget) -> forms.Widget:
    """The same select as a quick one (other widgets are returned as they are)."""
    kinds: dict[type[forms.Widget], type[QuickSelectMixin]] = {
        forms.Select: QuickSelect,
        forms.SelectMultiple: QuickSelectMultiple,
    }
    quick_class = kinds.get(type(widget))
    if quick_class is None or not isinstance(widget, forms.Select):
        return widget
    quick = quick_class(attrs=widget.attrs)
    quick.choices = widget.choices
    quick.is_required = widget.is_required
    return quick
