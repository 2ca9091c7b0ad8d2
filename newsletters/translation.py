"""The newsletter texts staff write for the public, in each language (django-modeltranslation).

Each field gets a column per language (``title_en``, ``title_hu``) on the model's own table; the
field itself (``edition.title``) reads the current language's column, falling back to the other.

The historical models of Story and Edition (django-simple-history) were built from the model
before modeltranslation added those columns, so they are registered too: every history record
keeps both languages, and simple-history's copy of a saved row has a column for each of them.
"""

from __future__ import annotations

from modeltranslation.translator import TranslationOptions, translator

from .models import Edition, EditionItem, Story


class EditionTranslation(TranslationOptions):
    fields = ("title", "introduction")


class StoryTranslation(TranslationOptions):
    fields = ("title", "body", "image_alt")


class EditionItemTranslation(TranslationOptions):
    fields = ("title", "body")


translator.register(Edition, EditionTranslation)
translator.register(Edition.history.model, EditionTranslation)
translator.register(Story, StoryTranslation)
translator.register(Story.history.model, StoryTranslation)
translator.register(EditionItem, EditionItemTranslation)
