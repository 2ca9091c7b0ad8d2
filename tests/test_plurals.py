"""Count phrases take the plural their number needs: "1 office", "2 offices" (never
"1 offices" nor "1 office(s)"), in English and in Hungarian."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import Office
from tests.factories import ContactFactory, InteractionFactory, OrganizationFactory
from tests.test_hungarian_pages import visible_text

pytestmark = pytest.mark.django_db


def offices(contact, count: int) -> None:
    for number in range(count):
        Office.objects.create(title=f"Office {number}", contact=contact)


def test_deleting_a_contact_counts_its_offices_and_interactions(staff_client):
    one, two = ContactFactory(), ContactFactory()
    offices(one, 1)
    offices(two, 2)
    InteractionFactory().contacts.add(one)
    for interaction in InteractionFactory.create_batch(2):
        interaction.contacts.add(two)
    text = visible_text(staff_client.get(reverse("partners:contact_delete", args=[one.pk])))
    assert "1 office held by this contact will be deleted." in text
    assert "removed from 1 interaction; the interaction stays." in text
    text = visible_text(staff_client.get(reverse("partners:contact_delete", args=[two.pk])))
    assert "2 offices held by this contact will be deleted." in text
    assert "removed from 2 interactions; the interactions stay." in text
    text = visible_text(
        staff_client.get(
            reverse("partners:contact_delete", args=[two.pk]), HTTP_ACCEPT_LANGUAGE="hu"
        )
    )
    assert "A kapcsolattartó 2 tisztsége törlődik." in text


def test_the_merge_page_counts_what_each_contact_has(staff_client):
    one, two = ContactFactory(), ContactFactory()
    offices(one, 1)
    offices(two, 2)
    url = reverse("partners:contact_merge") + f"?a={one.pk}&b={two.pk}"
    text = visible_text(staff_client.get(url))
    assert "1 office, 0 interactions, focal point of 0 memberships" in text
    assert "2 offices, 0 interactions, focal point of 0 memberships" in text
    assert "offices(s)" not in text and "1 offices" not in text
    text = visible_text(staff_client.get(url, HTTP_ACCEPT_LANGUAGE="hu"))
    assert "1 tisztség, 0 kapcsolatfelvétel, 0 tagság kapcsolattartója" in text


def test_deleting_an_organisation_counts_its_contacts(staff_client):
    organization = OrganizationFactory()
    ContactFactory(organization=organization)
    url = reverse("partners:organization_delete", args=[organization.pk])
    assert "1 contact will stay, without this organisation." in visible_text(staff_client.get(url))
    ContactFactory(organization=organization)
    assert "2 contacts will stay, without this organisation." in visible_text(staff_client.get(url))
