"""Contacts and the offices they hold."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import optional_link
from cityrelations.core.links import detail_url

from .base import City, TimeStamped, city_name_matches
from .organizations import Organization

MATCHED_IDS_LIMIT = 500  # organisations or cities matching one search word, looked up first
SEARCH_WORDS = 6


def _matching_ids(queryset: QuerySet[Any]) -> list[int] | QuerySet[Any]:
    """The ids of a few matching rows as a list, or the query itself when there are many.

    A literal list lets the database see how few contacts it matches, so it combines index
    scans (BitmapOr) instead of filtering every contact against a subquery.
    """
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MATCHED_IDS_LIMIT + 1])
    return queryset.order_by().values("pk") if len(ids) > MATCHED_IDS_LIMIT else ids


class ContactSearchDocument(models.Expression):
    """Contacts' stored ``search_document`` column: names and the words of the email address,
    so "vienna" finds erika@vienna.example. PostgreSQL only; added by the partners migration
    ``0005_contact_search_document`` with a GIN index, so 100,000 contacts stay fast. The global
    search ranks contacts by it."""

    output_field = SearchVectorField()

    # The stubs want the params as a tuple; django.contrib.postgres.search concatenates lists.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()  # "U0" inside a subquery
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


class ContactQuerySet(models.QuerySet["Contact"]):
    def search(self, query: str) -> ContactQuerySet:
        """Every word must appear in the name or email, or in the organisation's or city's name
        (either of the city's names, with or without accents).

        Organisations and cities (small tables) are looked up first, one query per word. On
        PostgreSQL the name and email parts use the trigram indexes of partners migration 0006,
        so a search over 100,000 contacts reads only matching rows.
        """
        contacts = self
        for word in query.split()[:SEARCH_WORDS]:
            organizations = Organization.objects.filter(
                Q(name__icontains=word) | Q(acronym__icontains=word)
            )
            cities = City.objects.filter(city_name_matches(word))
            contacts = contacts.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organization__in=_matching_ids(organizations))
                | Q(city__in=_matching_ids(cities))
            )
        return contacts


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


class OfficeQuerySet(models.QuerySet["Office"]):
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
