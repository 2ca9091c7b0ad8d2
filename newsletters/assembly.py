"""Assemble a month's edition from the CRM records marked public, plus that month's stories.

Every item remembers its source ("<app>.<model>:<pk>"), so assembling again only adds what is
new: items staff edited, reordered or dropped (``included=False``) are never touched. The number
of queries does not grow with the number of records: one read per kind of source, one
``bulk_create``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from cityrelations.core.formats import date_range, format_date
from cityrelations.core.languages import in_each_language
from cityrelations.core.translated import localized
from delegations.models import Event, Visit
from partners.models import Agreement, City, Interaction, Membership, Partnership

from .models import Edition, EditionItem, Story
from .sanitize import text_to_html

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


Texts = tuple[str, str]  # an item's title and its HTML text


def edition_default_titles(month: dt.date) -> dict[str, str]:
    """The new edition's title in each language: "Newsletter — May 2026", "Hírlevél — 2026. május"."""
    return {
        build_localized_fieldname("title", code): title
        for code, title in in_each_language(_default_title, month).items()
    }


def _default_title(month: dt.date) -> str:
    return _("Newsletter — %(month)s") % {"month": format_date(month, "YEAR_MONTH_FORMAT")}


def _item(kind: str, source_key: str, render: Callable[..., Texts], *args: Any) -> EditionItem:
    """An unsaved item whose title and text are ``render(*args)`` in every language."""
    fields = {}
    for code, (title, body) in in_each_language(render, *args).items():
        fields[build_localized_fieldname("title", code)] = title
        fields[build_localized_fieldname("body", code)] = body
    return EditionItem(kind=kind, source_key=source_key, **fields)


def _body(text: str, *facts: str) -> str:
    details = " · ".join(escape(fact) for fact in facts if fact)
    return text_to_html(text) + (f"<p><em>{details}</em></p>" if details else "")


def _cities(through: Any, owner: str, owner_ids: list[int]) -> dict[int, list[City]]:
    """``{owner id: [its cities]}`` in two queries, each city fetched once; the names are read
    later, under each language (a city may have a name of its own in Hungarian)."""
    pairs = list(
        through.objects.filter(**{f"{owner}_id__in": owner_ids}).values_list(
            f"{owner}_id", "city_id"
        )
    )
    cities = City.objects.in_bulk({c for _o, c in pairs})
    grouped: dict[int, list[City]] = {}
    for owner_id, city_id in sorted(pairs):
        grouped.setdefault(owner_id, []).append(cities[city_id])
    return grouped


def _names(cities: list[City]) -> str:
    return ", ".join(str(city) for city in cities)


def _visit_texts(visit: Visit, cities: list[City]) -> Texts:
    one_day = visit.end_date in (None, visit.start_date)
    dates = (
        format_date(visit.start_date) if one_day else date_range(visit.start_date, visit.end_date)
    )
    facts = (dates, _names(cities))
    return visit.title, _body(visit.public_summary or visit.purpose, *facts)


def _visit_entries(visits: models.QuerySet[Visit], kind: str) -> Iterator[EditionItem]:
    rows = list(visits.only("pk", "title", "public_summary", "purpose", "start_date", "end_date"))
    cities = _cities(Visit.cities.through, "visit", [visit.pk for visit in rows])
    for visit in rows:
        key = f"delegations.visit:{visit.pk}"
        yield _item(kind, key, _visit_texts, visit, cities.get(visit.pk, []))


def _visit_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    visits = Visit.objects.public_completed_between(first, last).order_by("end_date", "pk")
    return _visit_entries(visits, EditionItem.Kind.VISIT)


def _hosted_event_texts(event: Event) -> Texts:
    """The event's title and description in the language being written (its own columns)."""
    start, end = (
        timezone.localtime(event.starts_at).date(),
        timezone.localtime(event.ends_at).date(),
    )
    dates = format_date(start) if start == end else date_range(start, end)
    return event.title, _body(event.description, event.get_kind_display(), dates, event.venue)


def _hosted_event_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    events = Event.objects.public_completed_between(first, last)
    for event in events.order_by("ends_at", "pk"):
        key = f"delegations.event:{event.pk}"
        yield _item(EditionItem.Kind.HOSTED_EVENT, key, _hosted_event_texts, event)


def _agreement_texts(agreement: Agreement, cities: list[City]) -> Texts:
    parties = [_names(cities), *map(str, agreement.organizations.all())]
    body = _body(
        agreement.summary,
        agreement.get_kind_display(),
        _("signed on %(date)s") % {"date": format_date(agreement.signed_on)},
        agreement.signed_at,
        ", ".join(filter(None, parties)),
    )
    return agreement.title, body


def _agreement_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    agreements = Agreement.objects.filter(
        is_public=True, signed_on__gte=first, signed_on__lte=last
    ).prefetch_related("organizations")
    rows = list(agreements.order_by("signed_on", "pk"))
    cities = _cities(Agreement.cities.through, "agreement", [a.pk for a in rows])
    for agreement in rows:
        key = f"partners.agreement:{agreement.pk}"
        yield _item(
            EditionItem.Kind.AGREEMENT,
            key,
            _agreement_texts,
            agreement,
            cities.get(agreement.pk, []),
        )


# A headline per level, so each language words it as a sentence of its own.
NEW_PARTNERSHIP_TITLES: dict[str, StrOrPromise] = {
    Partnership.Level.SISTER: gettext_lazy("New sister city: %(city)s"),
    Partnership.Level.PARTNER: gettext_lazy("New partner city: %(city)s"),
    Partnership.Level.FRIENDSHIP: gettext_lazy("New friendship city: %(city)s"),
    Partnership.Level.COOPERATION: gettext_lazy("New cooperation agreement with %(city)s"),
}


def _partnership_texts(partnership: Partnership) -> Texts:
    title = NEW_PARTNERSHIP_TITLES.get(partnership.level)
    if title is None:
        headline = _("New %(level)s: %(city)s") % {
            "level": partnership.get_level_display(),
            "city": partnership.city,
        }
    else:
        headline = str(title) % {"city": partnership.city}
    return headline, _body(partnership.summary, format_date(partnership.established_on))


def _partnership_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    partnerships = Partnership.objects.filter(
        is_public=True, established_on__gte=first, established_on__lte=last
    ).select_related("city")
    for partnership in partnerships.order_by("established_on", "pk"):
        key = f"partners.partnership:{partnership.pk}"
        yield _item(EditionItem.Kind.PARTNERSHIP, key, _partnership_texts, partnership)


def _membership_texts(membership: Membership) -> Texts:
    title = _("%(city)s joined %(organization)s") % {
        "city": settings.HOME_CITY["name"],
        "organization": membership.organization,
    }
    organization = membership.organization
    return title, _body(organization.description, membership.role, format_date(membership.since))


def _membership_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    memberships = Membership.objects.filter(
        is_public=True, since__gte=first, since__lte=last
    ).select_related("organization")
    for membership in memberships.order_by("since", "pk"):
        key = f"partners.membership:{membership.pk}"
        yield _item(EditionItem.Kind.MEMBERSHIP, key, _membership_texts, membership)


def _event_texts(event: Interaction) -> Texts:
    place = event.partnership.city if event.partnership else event.organization
    return event.subject, _body(event.summary, format_date(event.occurred_on), str(place or ""))


def _upcoming_items(first: dt.date, last: dt.date) -> Iterator[EditionItem]:
    events = Interaction.objects.filter(
        kind=Interaction.Kind.EVENT, is_public=True, occurred_on__gte=first, occurred_on__lte=last
    ).select_related("partnership__city", "organization")
    for event in events.order_by("occurred_on", "pk"):
        key = f"partners.interaction:{event.pk}"
        yield _item(EditionItem.Kind.EVENT, key, _event_texts, event)
    visits = Visit.objects.filter(
        is_public=True,
        status__in=UPCOMING_VISIT_STATUSES,
        start_date__gte=first,
        start_date__lte=last,
    ).order_by("start_date", "pk")
    yield from _visit_entries(visits, EditionItem.Kind.EVENT)


def _story_items(first: dt.date) -> Iterator[EditionItem]:
    """A story's own texts, each language as its author wrote it (a missing one stays empty,
    and the warning before approval lists it)."""
    for story in Story.objects.filter(month=first).order_by("pk"):
        texts = {name: getattr(story, name) or "" for name in localized("title", "body")}
        yield EditionItem(
            kind=EditionItem.Kind.STORY, source_key=f"newsletters.story:{story.pk}", **texts
        )


def candidate_items(month: dt.date) -> list[EditionItem]:
    """Every item the month's public records would give, in reading order (unsaved)."""
    first, last = month_bounds(month)
    upcoming_first, upcoming_last = month_bounds(next_month(first))
    return [
        *_story_items(first),
        *_visit_items(first, last),
        *_hosted_event_items(first, last),
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
            month=first, defaults=edition_default_titles(first)
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


class MissingTranslations(Exception):
    """Approval needs the staff member's explicit word: some texts are missing in a language
    (``missing``: ``{code: [labels]}``), or read the same in two languages (``untranslated``).
    ``version``: the edition's review version these were found in, for "Approve anyway"."""

    def __init__(
        self, missing: dict[str, list[str]], untranslated: list[str], version: str
    ) -> None:
        super().__init__(missing, untranslated)
        self.missing = missing
        self.untranslated = untranslated
        self.version = version


@transaction.atomic
def edition_approve(
    *,
    edition: Edition,
    by: Any,
    despite_missing_translations: bool = False,
    reviewed_version: str | None = None,
) -> Edition:
    """Approve a draft. When a text is missing in a language (its readers would get the other
    language's), or reads the same in two languages (copied, not translated), nothing changes
    and :class:`MissingTranslations` says what, unless the staff member confirmed they approve
    anyway. ``reviewed_version`` (:meth:`Edition.review_version`) is what they reviewed: a
    confirmation needs it, and an edition changed since is not approved unseen."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _require_draft(edition)
    if not EditionItem.objects.filter(edition=edition).exists() and not edition.introduction:
        raise ValidationError(_("An empty edition cannot be approved."))
    items = list(edition.items.all())
    version = edition.review_version(items)
    if (despite_missing_translations or reviewed_version is not None) and (
        reviewed_version != version
    ):
        raise ValidationError(
            _(
                "Someone changed this edition after you reviewed it, so it was not approved. "
                "Check it again, then approve."
            )
        )
    missing = edition.missing_translations(items)
    untranslated = edition.untranslated_copies(items)
    if (missing or untranslated) and not despite_missing_translations:
        raise MissingTranslations(missing, untranslated, version)
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
