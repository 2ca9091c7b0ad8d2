"""The Atom feed of sent editions (the public archive as a feed), one per language:
``archive/feed/en/``, ``archive/feed/hu/``; ``archive/feed/`` is in the reader's language.

Each feed's links name its language (``archive/2026-05/?lang=hu``), so a Hungarian reader opens
the Hungarian web version whatever the browser says; they are the feed's and its entries' Atom
ids too, so the two languages' feeds and entries never share an id."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cityrelations.core.languages import is_site_language, language_url, unit_name

from .models import Edition

FEED_SIZE = 24


def _language() -> str:
    """The feed's language (active while the feed is written)."""
    return translation.get_language() or settings.LANGUAGE_CODE


class EditionFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The whole feed (titles, texts, ``xml:lang``) in the language the address names."""
        language = kwargs.pop("language", None) or translation.get_language()
        if not is_site_language(language):
            raise Http404("No feed in that language.")
        with translation.override(language):
            response = super().__call__(request, *args, **kwargs)
        # Set here: LocaleMiddleware's header comes after the override has ended.
        response["Content-Language"] = language
        return response

    def title(self) -> str:
        return _("%(unit)s newsletter") % {"unit": unit_name()}

    def subtitle(self) -> str:
        return _("The monthly newsletter of %(city)s's international relations.") % {
            "city": settings.HOME_CITY["name"]
        }

    def link(self) -> str:
        return language_url(reverse("newsletters:archive"), _language())

    def items(self) -> QuerySet[Edition]:
        return Edition.objects.sent().order_by("-month")[:FEED_SIZE]

    def item_title(self, item: Edition) -> str:
        return item.title

    def item_description(self, item: Edition) -> str:
        return item.introduction

    def item_link(self, item: Edition) -> str:
        path = reverse("newsletters:edition_public", args=[item.month.strftime("%Y-%m")])
        return language_url(path, _language())

    def item_pubdate(self, item: Edition) -> dt.datetime:
        return item.sent_at or timezone.make_aware(dt.datetime.combine(item.month, dt.time()))

    def item_updateddate(self, item: Edition) -> dt.datetime:
        return item.updated_at
