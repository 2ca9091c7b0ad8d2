"""ChoiceLabels gives exactly what Django's own get_FOO_display() gives, for every choice of
every model that uses it, in each language, and for a value that is not a choice."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from cityrelations.core.choices import ChoiceLabels

MODELS = [m for m in apps.get_models() if issubclass(m, ChoiceLabels)]


def test_the_busy_models_use_it() -> None:
    names = {m._meta.label for m in MODELS}
    assert {"delegations.Visit", "partners.Partnership", "newsletters.Delivery"} <= names


@pytest.mark.parametrize("language", ["en", "hu"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_same_labels_as_django(model: type[models.Model], language: str) -> None:
    fields = [f for f in model._meta.concrete_fields if f.choices]
    with translation.override(language):
        for field in fields:
            display = getattr(model, f"get_{field.name}_display")
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice"]:
                instance = model(**{field.attname: value})
                expected = models.Model._get_FIELD_display(instance, field)
                assert display(instance) == expected


def test_label_follows_the_active_language() -> None:
    from delegations.models import Visit

    visit = Visit(status=Visit.Status.APPROVED)
    with translation.override("en"):
        english = visit.get_status_display()
    with translation.override("hu"):
        hungarian = visit.get_status_display()
    assert english == "Approved"
    assert isinstance(hungarian, str) and hungarian
