"""``get_FOO_display()`` without the per-call cost.

Django's implementation builds a dict of all the field's choices on every call, hashing (and so
translating) every lazy label: about 0.1 ms, paid for each choice field of each row on a list
page; it was the largest single cost of the review queue and the calendar. This mixin keeps one
``{value: lazy label}`` map per field, so a call translates one label in the active language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict[Any, Any] | None:
    """The map of a field with a fixed list of choices; None for choices computed per call
    (a callable, as django-countries' names in the active language)."""
    if not isinstance(field.choices, list | tuple):
        return None
    return dict(field.flatchoices)


class ChoiceLabels:
    """Mix into a model (before ``models.Model``) to speed up its ``get_FOO_display()``."""

    # Django binds get_FOO_display to this (private) hook when the class is built; a test pins
    # the result against Django's own implementation for every model that uses the mixin.
    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        labels = _labels(field)
        try:
            if labels is not None:
                return force_str(labels.get(value, value), strings_only=True)
        except TypeError:  # an unhashable value (e.g. a list from a JSONField)
            pass
        return models.Model._get_FIELD_display(self, field)  # type: ignore[attr-defined]
