"""Helpers the delegation forms share."""

from __future__ import annotations

from typing import Any

from django import forms


def set_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
