"""The Atom feed of sent editions (the public archive as a feed), one per language:
``archive/feed/en/``, ``archive/feed/hu/``; ``archive/feed/`` is in the reader's language."""

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

from cityrelations.core.languages import is_site_language, unit_name

from .models import Edition

FEED_SIZE = 24


class EditionFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The whole feed (titles, texts, ``xml:lang``) in the language the address names."""
        language = kwargs.pop("language", None) or translation.get_language()
        if not is_site_language(language):
            raise Http404("No feed in that language.")
        with translation.override(language):
            return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return _("%(unit)s newsletter") % {"unit": unit_name()}

    def subtitle(self) -> str:
        return _("The monthly newsletter of %(city)s's international relations.") % {
            "city": settings.HOME_CITY["name"]
        }

    def link(self) -> str:
        return reverse("newsletters:archive")

    def items(self) -> QuerySet[Edition]:
        return Edition.objects.sent().order_by("-month")[:FEED_SIZE]

    def item_title(self, item: Edition) -> str:
        return item.title

    def item_description(self, item: Edition) -> str:
        return item.introduction

    def item_link(self, item: Edition) -> str:
        return reverse("newsletters:edition_public", args=[item.month.strftime("%Y-%m")])

    def item_pubdate(self, item: Edition) -> dt.datetime:
        return item.sent_at or timezone.make_aware(dt.datetime.combine(item.month, dt.time()))

    def item_updateddate(self, item: Edition) -> dt.datetime:
        return item.updated_at
