"""Assemble a month's edition from the CRM records marked public, plus that month's stories.

Every item remembers its source ("<app>.<model>:<pk>"), so assembling again only adds what is
new: items staff edited, reordered or dropped (``included=False``) are never touched. The number
of queries does not grow with the number of records: one read per kind of source, one
``bulk_create``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from delegations.models import Visit
from partners.models import Agreement, City, Interaction, Membership, Partnership

from .models import Edition, EditionItem, Story
from .sanitize import text_to_html

UPCOMING_VISIT_STATUSES = (Visit.Status.APPROVED, Visit.Status.CONFIRMED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(month: dt.date) -> dt.date:
    first = month.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1)


def previous_month(today: dt.date | None = None) -> dt.date:
    first = (today or timezone.localdate()).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def edition_default_title(month: dt.date) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Newsletter — %(month)s") % {"month": date_format(month, "YEAR_MONTH_FORMAT")}


@functools.lru_cache(maxsize=512)
def _date(day: dt.date, language: str) -> str:
    return date_format(day, "DATE_FORMAT")


def _dates(start: dt.date | None, end: dt.date | None = None) -> str:
    if start is None:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if end is None or end == start:
        return _date(start, language)
    return f"{_date(start, language)} \u2013 {_date(end, language)}"


def _body(text: str, *facts: str) -> str:
    details = " · ".join(escape(fact) for fact in facts if fact)
    return text_to_html(text) + (f"<p><em>{details}</em></p>" if details else "")


def _city_names(through: Any, owner: str, owner_ids: list[int]) -> dict[int, str]:
    """``{owner id: "Vienna, Austria, Graz, Austria"}`` in two queries, each city named once."""
    pairs = list(
        through.objects.filter(**{f"{owner}_id__in": owner_ids}).values_list(
            f"{owner}_id", "city_id"
        )
    )
    names = {city.pk: str(city) for city in City.objects.filter(pk__in={c for _o, c in pairs})}
    grouped: dict[int, list[str]] = {}
    for owner_id, city_id in sorted(pairs):
        grouped.setdefault(owner_id, []).append(names[city_id])
    return {owner_id: ", ".join(cities) for owner_id, cities in grouped.items()}


def _visit_entries(visits: models.QuerySet[Visit], kind: str) -> Iterator[EditionItem]:
    rows = list(visits.only("pk", "title", "public_summary", "purpose", "start_date", "end_date"))
    cities = _city_names(Visit.cities.through, "visit", [visit.pk for visit in rows])
    for visit in rows:
        yield EditionItem(
            kind=kind,
            title=visit.title,
            body=_body(
                visit.public_summary or visit.purpose,
                _dates(visit.start_date, visit.end_date),
                cities.get(visit.pk, ""),
            ),
            source_key=f"delegations.visit:{visit.pk}",
        )


def _visit_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    visits = Visit.objects.public_completed_between(first, last).order_by("end_date", "pk")
    return _visit_entries(visits, EditionItem.Kind.VISIT)


def _agreement_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    agreements = Agreement.objects.filter(
        is_public=True, signed_on__gte=first, signed_on__lte=last
    ).prefetch_related("organizations")
    rows = list(agreements.order_by("signed_on", "pk"))
    cities = _city_names(Agreement.cities.through, "agreement", [a.pk for a in rows])
    for agreement in rows:
        parties = [cities.get(agreement.pk, ""), *map(str, agreement.organizations.all())]
        yield EditionItem(
            kind=EditionItem.Kind.AGREEMENT,
            title=agreement.title,
            body=_body(
                agreement.summary,
                agreement.get_kind_display(),
                _("signed on %(date)s") % {"date": _dates(agreement.signed_on)},
                agreement.signed_at,
                ", ".join(filter(None, parties)),
            ),
            source_key=f"partners.agreement:{agreement.pk}",
        )


def _partnership_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    partnerships = Partnership.objects.filter(
        is_public=True, established_on__gte=first, established_on__lte=last
    ).select_related("city")
    for partnership in partnerships.order_by("established_on", "pk"):
        yield EditionItem(
            kind=EditionItem.Kind.PARTNERSHIP,
            title=_("New %(level)s: %(city)s")
            % {"level": partnership.get_level_display().lower(), "city": partnership.city},
            body=_body(partnership.summary, _dates(partnership.established_on)),
            source_key=f"partners.partnership:{partnership.pk}",
        )


def _membership_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    memberships = Membership.objects.filter(
        is_public=True, since__gte=first, since__lte=last
    ).select_related("organization")
    for membership in memberships.order_by("since", "pk"):
        yield EditionItem(
            kind=EditionItem.Kind.MEMBERSHIP,
            title=_("The city joined %(organization)s") % {"organization": membership.organization},
            body=_body(
                membership.organization.description, membership.role, _dates(membership.since)
            ),
            source_key=f"partners.membership:{membership.pk}",
        )


def _upcoming_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    events = Interaction.objects.filter(
        kind=Interaction.Kind.EVENT, is_public=True, occurred_on__gte=first, occurred_on__lte=last
    ).select_related("partnership__city", "organization")
    for event in events.order_by("occurred_on", "pk"):
        place = event.partnership.city if event.partnership else event.organization
        yield EditionItem(
            kind=EditionItem.Kind.EVENT,
            title=event.subject,
            body=_body(event.summary, _dates(event.occurred_on), str(place or "")),
            source_key=f"partners.interaction:{event.pk}",
        )
    visits = Visit.objects.filter(
        is_public=True,
        status__in=UPCOMING_VISIT_STATUSES,
        start_date__gte=first,
        start_date__lte=last,
    ).order_by("start_date", "pk")
    yield from _visit_entries(visits, EditionItem.Kind.EVENT)


def _story_items(first: dt.date) -> Iterator[EditionItem]:
    for story in Story.objects.filter(month=first).order_by("pk"):
        yield EditionItem(
            kind=EditionItem.Kind.STORY,
            title=story.title,
            body=story.body,
            source_key=f"newsletters.story:{story.pk}",
        )


def candidate_items(month: dt.date) -> list[EditionItem]:
    """Every item the month's public records would give, in reading order (unsaved)."""
    first, last = month_bounds(month)
    upcoming_first, upcoming_last = month_bounds(next_month(first))
    with translation.override(settings.LANGUAGE_CODE):
        return [
            *_story_items(first),
            *_visit_items(first, last),
            *_agreement_items(first, last),
            *_partnership_items(first, last),
            *_membership_items(first, last),
            *_upcoming_items(upcoming_first, upcoming_last),
        ]


def edition_assemble(*, month: dt.date) -> Edition:
    """Create the month's draft edition, or add to it the public records that are new since the
    last assembly. Only a draft can be assembled (a ValidationError otherwise)."""
    first = month.replace(day=1)
    with transaction.atomic():
        edition, _created = Edition.objects.select_for_update().get_or_create(
            month=first, defaults={"title": edition_default_title(first)}
        )
        if not edition.is_editable:
            raise ValidationError(
                _("%(edition)s is no longer a draft, so it cannot be assembled again.")
                % {"edition": edition}
            )
        items = EditionItem.all_items.filter(edition=edition)
        known = set(items.exclude(source_key="").values_list("source_key", flat=True))
        order = items.aggregate(top=Max("order"))["top"] or 0
        new_items = []
        for item in candidate_items(first):
            if item.source_key in known:
                continue
            known.add(item.source_key)  # a visit can be both completed and upcoming: once only
            order += 1
            item.edition = edition
            item.order = order
            new_items.append(item)
        EditionItem.all_items.bulk_create(new_items, ignore_conflicts=True)
    return edition


# --- Editing a draft --------------------------------------------------------------------------


def _require_draft(edition: Edition) -> None:
    if not edition.is_editable:
        raise ValidationError(_("Only a draft edition can be changed."))


@transaction.atomic
def edition_item_move(*, item: EditionItem, direction: str) -> None:
    """Swap the item with its neighbour above ("up") or below ("down"); renumbers the edition's
    items first so that equal ``order`` values never make a move a no-op."""
    _require_draft(item.edition)
    items = list(
        EditionItem.all_items.select_for_update()
        .filter(edition_id=item.edition_id)
        .order_by("order", "pk")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.order = position
    EditionItem.all_items.bulk_update(items, ["order"])


@transaction.atomic
def edition_item_set_included(*, item: EditionItem, included: bool) -> EditionItem:
    """Drop an item from the edition or restore it; a dropped item is kept, so assembling again
    does not bring it back."""
    _require_draft(item.edition)
    item.included = included
    item.save(update_fields=["included"])
    return item


@transaction.atomic
def edition_approve(*, edition: Edition, by: Any) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _require_draft(edition)
    if not EditionItem.objects.filter(edition=edition).exists() and not edition.introduction:
        raise ValidationError(_("An empty edition cannot be approved."))
    edition.status = Edition.Status.APPROVED
    edition.approved_by = by
    edition.approved_at = timezone.now()
    edition.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return edition


@transaction.atomic
def edition_reopen(*, edition: Edition) -> Edition:
    """Back from approved (or scheduled) to draft, for a late correction."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not edition.can_reopen:
        raise ValidationError(_("Only an approved edition that is not sending can be reopened."))
    edition.status = Edition.Status.DRAFT
    edition.approved_by = None
    edition.approved_at = None
    edition.scheduled_for = None
    edition.save(
        update_fields=["status", "approved_by", "approved_at", "scheduled_for", "updated_at"]
    )
    return edition
