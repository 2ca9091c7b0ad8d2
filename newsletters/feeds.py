"""The Atom feed of sent editions (the public archive as a feed)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Edition

FEED_SIZE = 24


class EditionFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("%(unit)s newsletter") % {"unit": settings.UNIT_NAME}

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
