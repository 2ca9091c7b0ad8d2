"""The newsletter texts staff write for the public, in each language (django-modeltranslation).

Each field gets a column per language (``title_en``, ``title_hu``) on the model's own table; the
field itself (``edition.title``) reads the current language's column, falling back to the other.

Story and Edition keep their history (django-simple-history) by registering it here, after
modeltranslation added the columns, as simple-history's documentation advises: a historical
model declared on the class would be built without them, so its records, their diffs and a
revert would know one language only.
"""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from .models import Edition, EditionItem, Story


class EditionTranslation(TranslationOptions):
    fields = ("title", "introduction")


class StoryTranslation(TranslationOptions):
    fields = ("title", "body", "image_alt")


class EditionItemTranslation(TranslationOptions):
    fields = ("title", "body")


translator.register(Edition, EditionTranslation)
translator.register(Story, StoryTranslation)
translator.register(EditionItem, EditionItemTranslation)
simple_history.register(Edition)
simple_history.register(Story)
