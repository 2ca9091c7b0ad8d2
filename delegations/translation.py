"""The event texts staff write for the public, in each language (django-modeltranslation).

Each field gets a column per language (``title_en``, ``title_hu``); ``event.title`` reads the
current language's column and falls back to the other one. Event keeps its history
(django-simple-history) by registering it here, after modeltranslation added the columns, as
newsletters/translation.py explains.
"""

from __future__ import annotations

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from .models import Event, EventSession


class EventTranslation(TranslationOptions):
    fields = ("title", "description")


class EventSessionTranslation(TranslationOptions):
    fields = ("title",)


translator.register(Event, EventTranslation)
translator.register(EventSession, EventSessionTranslation)
simple_history.register(Event)
