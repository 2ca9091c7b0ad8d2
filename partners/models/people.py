"""Contacts and the offices they hold."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import optional_link
from cityrelations.core.links import detail_url
from cityrelations.core.search import (
    ForgivingSearchQuerySet,
    search_words,
    uses_postgresql,
    word_matches,
)

from .base import City, TimeStamped
from .organizations import Organization


class ContactQuerySet(ForgivingSearchQuerySet["Contact"]):
    search_fields = ("first_name", "last_name", "email")

    def search(self, query: str, *, typos: bool = False) -> ContactQuerySet:
        """Every word, in any letter case and with or without accents, in the contact's name or
        email, in their organisation's or city's name, or in the title of an office they hold
        or held ("mayor of kyoto").

        The organisations, cities and offices a word matches (small tables) are looked up
        first, so that each word is one index-served condition on contacts (trigram index of
        partners migration ``0015_forgiving_search``, or the foreign keys' indexes) and
        PostgreSQL combines the words' bitmaps: reading 100,000 contacts to test a subquery on
        each (an ``OR`` of subqueries) or collecting every match of each word before the next
        (a ``UNION`` per word) was seconds for a common word.
        """
        contacts = self
        typos = typos and uses_postgresql(self)
        document = self.search_document()
        for word in search_words(query):
            organizations = Organization.objects.search(word, typos=typos)
            cities = City.objects.search(word, typos=typos)
            offices = Office.objects.search(word, typos=typos)
            contacts = contacts.filter(
                word_matches(document, word, typos=typos)
                | Q(organization__in=_few_ids(organizations))
                | Q(city__in=_few_ids(cities))
                | Q(pk__in=_few_ids(offices, "contact_id"))
            )
        return contacts


RELATED_IDS_LIMIT = 500  # organisations, cities or offices matching one word, listed by id


def _few_ids(queryset: models.QuerySet[Any], field: str = "pk") -> Any:
    """The ids as a list (one query), or the query itself when there are more than
    RELATED_IDS_LIMIT: a literal list lets PostgreSQL use the index on the foreign key and
    combine it with the other conditions' index scans."""
    ids = list(queryset.order_by().values_list(field, flat=True)[: RELATED_IDS_LIMIT + 1])
    return queryset.order_by().values(field) if len(ids) > RELATED_IDS_LIMIT else ids


class Contact(Versioned, TimeStamped):
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    form_of_address = models.CharField(
        _("form of address"), max_length=120, blank=True, help_text=_("e.g. Your Excellency")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = optional_link(City, _("city"), related_name="contacts")
    organization = optional_link(Organization, _("organisation"), related_name="contacts")
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. en, de")
    )
    protocol_notes = models.TextField(_("protocol notes"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    tasks = GenericRelation("Task")  # deleted with the record (a generic link)

    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="contact_name"),
            models.Index(fields=["email"], name="contact_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return detail_url("partners:contact_detail", self.pk)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.honorific, self.first_name, self.last_name) if p)


# A contact's own fields, in the order people read them: the contact form edits them, a merge
# takes each from either record, and the import file has a column for each.
CONTACT_FIELDS = (
    "honorific",
    "first_name",
    "last_name",
    "form_of_address",
    "email",
    "phone",
    "city",
    "organization",
    "languages",
    "protocol_notes",
    "notes",
)


class OfficeQuerySet(ForgivingSearchQuerySet["Office"]):
    search_fields = ("title",)

    def current(self) -> OfficeQuerySet:
        today = timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


class Office(Versioned, TimeStamped):
    """A position held by a contact for a time ("Mayor of Vienna"), so history survives elections."""

    title = models.CharField(_("title"), max_length=200)
    contact = models.ForeignKey(
        Contact, verbose_name=_("held by"), on_delete=models.CASCADE, related_name="offices"
    )
    city = optional_link(City, _("city"), related_name="offices")
    organization = optional_link(Organization, _("organisation"), related_name="offices")
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="office_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.contact}"


class MergedContactQuerySet(models.QuerySet["MergedContact"]):
    def survivor_id(self, old_id: int) -> int | None:
        """The contact that a merged contact's id now stands for, if any."""
        return self.filter(old_id=old_id).values_list("contact_id", flat=True).first()


class MergedContact(models.Model):
    """The id of a contact merged into another, so that its old links lead to the survivor.

    ``contact`` always names the current survivor: when the survivor is itself merged later,
    the merge moves these rows along with every other reference, so a chain is one hop.
    """

    old_id = models.PositiveBigIntegerField(_("merged contact id"), unique=True)
    contact = models.ForeignKey(
        Contact, verbose_name=_("merged into"), on_delete=models.CASCADE, related_name="merged_ids"
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    objects = MergedContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("merged contact")
        verbose_name_plural = _("merged contacts")

    def __str__(self) -> str:
        return f"#{self.old_id} → #{self.contact_id}"
