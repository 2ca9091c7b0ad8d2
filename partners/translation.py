"""The reference vocabulary in every language (django-modeltranslation): a theme's name and
description and an SDG's name are columns per language (``name_en``, ``name_hu``) on the model's
own table; ``theme.name`` reads the active language's and falls back to the other one.

A blank translation is stored as NULL, not "": the per-language name columns are unique, and
two themes without a Hungarian name must not clash. Cities are not here: ``City.name`` is the
gazetteer's name, not an English text (see ``City.name_hu``)."""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, register

from .models import SDG, Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None, "description": ""}
    required_languages = {"en": ("name",)}


@register(SDG)
class SDGTranslationOptions(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}
    required_languages = {"en": ("name",)}
