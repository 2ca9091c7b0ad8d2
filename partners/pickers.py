"""What the searchable picker (cityrelations/core/pickers.py) finds for the partners' rows:
cities, organisations, contacts, partnerships and interactions, by a few words with or without
accents."""

from __future__ import annotations

from functools import partial

from django.db.models import Q

from cityrelations.core.pickers import PickerSource, folded_words, register_source

from .models import (
    City,
    Contact,
    Interaction,
    Opportunity,
    Organization,
    Partnership,
    city_name_matches,
    city_name_order,
)


def _city_words(words: list[str], prefix: str = "") -> Q:
    """Every word in one of the city's names, with or without accents ("krakow" finds Kraków)."""
    condition = Q()
    for word in words:
        condition &= city_name_matches(word, prefix)
    return condition


def contact_label(contact: Contact) -> str:
    """A contact as a picker names them: the name, and where they belong, to tell namesakes."""
    extra = contact.organization or contact.city
    return f"{contact.full_name} ({extra})" if extra else contact.full_name


def register_picker_sources() -> None:
    register_source(
        "city",
        PickerSource(
            permission="partners.view_city",
            queryset=lambda: City.objects.order_by(city_name_order(), "pk"),
            matches=_city_words,
        ),
    )
    register_source(
        "organization",
        PickerSource(
            permission="partners.view_organization",
            queryset=lambda: Organization.objects.order_by("name", "pk"),
            matches=partial(folded_words, ("name", "acronym")),
        ),
    )
    register_source(
        "contact",
        PickerSource(
            permission="partners.view_contact",
            queryset=lambda: Contact.objects.select_related("city", "organization").order_by(
                "last_name", "first_name", "pk"
            ),
            matches=partial(folded_words, ("first_name", "last_name", "email")),
            label=contact_label,
            related=("city", "organization"),
        ),
    )
    register_source(
        "partnership",
        PickerSource(
            permission="partners.view_partnership",
            queryset=lambda: Partnership.objects.select_related("city").order_by(
                city_name_order("city__"), "pk"
            ),
            matches=partial(_city_words, prefix="city__"),
            related=("city",),
        ),
    )
    register_source(
        "opportunity",
        PickerSource(
            permission="partners.view_opportunity",
            queryset=lambda: Opportunity.objects.order_by("title", "pk"),
            matches=partial(folded_words, ("title", "organization__name")),
        ),
    )
    register_source(
        "interaction",
        PickerSource(
            permission="partners.view_interaction",
            queryset=lambda: Interaction.objects.order_by("-occurred_on", "-pk"),
            matches=partial(folded_words, ("subject",)),
        ),
    )
