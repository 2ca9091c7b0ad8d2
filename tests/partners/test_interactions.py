"""Interactions: quick-add from partnership, organisation and contact pages (htmx or not), list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from partners.models import Interaction, Theme
from tests.editing import with_version
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganizationFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def interaction():
    return InteractionFactory(subject="Kick-off call", organization=OrganizationFactory())


def _data(**overrides) -> dict:
    data = {"kind": "meeting", "occurred_on": "2026-03-04", "subject": "Tram exchange"}
    data.update(overrides)
    return data


# --- Roles -----------------------------------------------------------------------------------


def _edit_urls(interaction):
    return [
        reverse("partners:interaction_create"),
        reverse("partners:interaction_update", args=[interaction.pk]),
        reverse("partners:interaction_delete", args=[interaction.pk]),
    ]


def test_roles(anonymous_client, mayor_client, staff_client, interaction):
    list_url = reverse("partners:interaction_list")
    assert anonymous_client.get(list_url).url.startswith(reverse("login"))
    assert mayor_client.get(list_url).status_code == 200
    assert staff_client.get(list_url).status_code == 200
    for url in _edit_urls(interaction):
        assert anonymous_client.get(url).url.startswith(reverse("login")), url
        assert mayor_client.get(url).status_code == 403, url
        assert mayor_client.post(url, _data()).status_code == 403, url
        assert staff_client.get(url).status_code == 200, url
    assert Interaction.objects.count() == 1


def test_mayor_sees_no_edit_links(mayor_client, interaction):
    body = mayor_client.get(reverse("partners:interaction_list")).content.decode()
    assert "Kick-off call" in body
    assert reverse("partners:interaction_update", args=[interaction.pk]) not in body
    assert reverse("partners:interaction_create") not in body


# --- Quick-add -------------------------------------------------------------------------------


def _origin(kind: str):
    if kind == "partnership":
        obj = PartnershipFactory()
    elif kind == "organization":
        obj = OrganizationFactory()
    else:
        obj = ContactFactory()
    return obj


def _url_or_list(obj) -> str:
    try:
        return obj.get_absolute_url()
    except Exception:  # the partnership detail page may belong to another area's URLconf
        return reverse("partners:interaction_list")


@pytest.mark.parametrize("kind", ["partnership", "organization", "contact"])
def test_quick_add_full_page(staff_client, staff_user, kind):
    obj = _origin(kind)
    url = reverse("partners:interaction_create") + f"?{kind}={obj.pk}"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert b"<html" in page.content
    form = page.context["form"]
    if kind == "contact":
        assert f'name="contacts" value="{obj.pk}"' in page.content.decode()
        assert form.initial["contacts"] == [obj]
    else:
        assert form.initial[kind] == obj

    data = _data(**({"contacts": [obj.pk]} if kind == "contact" else {kind: obj.pk}))
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert response.url == _url_or_list(obj)
    interaction = Interaction.objects.get()
    assert interaction.recorded_by == staff_user
    linked = list(interaction.contacts.all()) if kind == "contact" else [getattr(interaction, kind)]
    assert linked == [obj]
    assert any("recorded" in str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("kind", ["partnership", "organization", "contact"])
def test_quick_add_htmx_modal(staff_client, kind):
    obj = _origin(kind)
    back = f"/partners/somewhere/{kind}/"
    url = reverse("partners:interaction_create") + f"?{kind}={obj.pk}&next={back}"
    fragment = staff_client.get(url, **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body
    assert 'hx-post="' in body and 'id="interaction-form"' in body

    data = _data(**({"contacts": [obj.pk]} if kind == "contact" else {kind: obj.pk}))
    response = staff_client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == back
    assert Interaction.objects.count() == 1


def test_htmx_invalid_post_returns_the_fragment_with_errors(staff_client):
    organization = OrganizationFactory()
    url = reverse("partners:interaction_create") + f"?organization={organization.pk}"
    response = staff_client.post(url, _data(subject="", organization=organization.pk), **HTMX)
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert b"<html" not in response.content
    assert "subject" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_quick_add_button_on_contact_page(staff_client):
    contact = ContactFactory()
    body = staff_client.get(contact.get_absolute_url()).content.decode()
    create = reverse("partners:interaction_create")
    assert f'hx-get="{create}?contact={contact.pk}&amp;next=' in body
    assert 'id="interaction-modal"' in body


def test_unsafe_next_is_ignored(staff_client):
    contact = ContactFactory()
    url = reverse("partners:interaction_create") + f"?contact={contact.pk}"
    response = staff_client.post(
        url, _data(contacts=[contact.pk], next="https://evil.example/phish")
    )
    assert response.url == contact.get_absolute_url()


def test_needs_partnership_organisation_or_contact(staff_client):
    response = staff_client.post(reverse("partners:interaction_create"), _data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Interaction.objects.exists()


def test_validation_errors_beside_fields(staff_client):
    organization = OrganizationFactory()
    data = _data(kind="telepathy", occurred_on="31/31/2026", organization=organization.pk)
    response = staff_client.post(reverse("partners:interaction_create"), data)
    errors = response.context["form"].errors
    assert {"kind", "occurred_on"} <= set(errors)


def test_unknown_preselection_is_404(staff_client):
    url = reverse("partners:interaction_create")
    assert staff_client.get(url + "?partnership=999999").status_code == 404
    assert staff_client.get(url + "?organization=abc").status_code == 404


def test_contact_picker_accepts_contacts_not_initially_shown(staff_client):
    organization = OrganizationFactory()
    far_away = ContactFactory()
    url = reverse("partners:interaction_create") + f"?organization={organization.pk}"
    assert f'value="{far_away.pk}"' not in staff_client.get(url).content.decode()
    staff_client.post(url, _data(organization=organization.pk, contacts=[far_away.pk]))
    assert list(Interaction.objects.get().contacts.all()) == [far_away]


def test_update_and_delete_return_to_next(staff_client, interaction):
    contact = ContactFactory()
    back = contact.get_absolute_url()
    url = reverse("partners:interaction_update", args=[interaction.pk]) + f"?next={back}"
    data = _data(subject="Kick-off call (rescheduled)", contacts=[contact.pk])
    response = staff_client.post(url, with_version(data, interaction))
    assert response.url == back
    interaction.refresh_from_db()
    assert interaction.subject == "Kick-off call (rescheduled)"
    assert interaction.organization is None
    delete = reverse("partners:interaction_delete", args=[interaction.pk]) + f"?next={back}"
    assert staff_client.get(delete).status_code == 200
    assert staff_client.post(delete).url == back
    assert not Interaction.objects.exists()


# --- List ------------------------------------------------------------------------------------


def test_list_filters(staff_client):
    partnership, organization = PartnershipFactory(), OrganizationFactory()
    theme = Theme.objects.first()
    call = InteractionFactory(kind="call", subject="Call A", occurred_on=dt.date(2026, 1, 10))
    call.themes.add(theme)
    InteractionFactory(subject="Meet P", partnership=partnership, occurred_on=dt.date(2026, 2, 1))
    InteractionFactory(subject="Meet O", organization=organization, occurred_on=dt.date(2025, 5, 1))
    url = reverse("partners:interaction_list")

    def subjects(**query) -> list[str]:
        return [i.subject for i in staff_client.get(url, query).context["interactions"]]

    assert subjects() == ["Meet P", "Call A", "Meet O"]
    assert subjects(kind="call") == ["Call A"]
    assert subjects(date_from="2026-01-01", date_to="2026-01-31") == ["Call A"]
    assert subjects(partnership=partnership.pk) == ["Meet P"]
    assert subjects(organization=organization.pk) == ["Meet O"]
    assert subjects(theme=theme.pk) == ["Call A"]
    assert subjects(q="meet") == ["Meet P", "Meet O"]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "x"},
        {"page": "0"},
        {"date_from": "yesterday"},
        {"kind": "nope"},
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
        {"theme": "999999"},
    ],
)
def test_list_survives_bad_query_strings(staff_client, interaction, query):
    assert staff_client.get(reverse("partners:interaction_list"), query).status_code == 200


def test_list_pagination(staff_client):
    InteractionFactory.create_batch(30, organization=OrganizationFactory())
    url = reverse("partners:interaction_list")
    assert len(staff_client.get(url).context["interactions"]) == 25
    assert len(staff_client.get(url, {"page": 2}).context["interactions"]) == 5


def _add_interactions(n: int) -> None:
    theme = Theme.objects.first()
    for _ in range(n):
        interaction = InteractionFactory(
            partnership=PartnershipFactory(), organization=OrganizationFactory()
        )
        interaction.contacts.add(ContactFactory(), ContactFactory())
        interaction.themes.add(theme)


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    # session, user, user and group permissions, navbar groups (2), count, page, contacts,
    # themes, filter choices: themes (partnerships and organisations are searched, not listed).
    url = reverse("partners:interaction_list")
    _add_interactions(1)
    with django_assert_num_queries(10):
        staff_client.get(url)
    _add_interactions(10)
    with django_assert_num_queries(10):
        staff_client.get(url)


def test_out_of_range_ids_are_form_errors_not_500s(staff_client):
    organization = OrganizationFactory()
    huge = "99999999999999"
    data = _data(organization=organization.pk, contacts=[huge])
    response = staff_client.post(reverse("partners:interaction_create"), data)
    assert response.status_code == 200
    assert "contacts" in response.context["form"].errors
    listing = staff_client.get(reverse("partners:interaction_list"), {"partnership": huge})
    assert listing.status_code == 200
    options = {"kind": "city", "field": "city", "city": huge}
    assert staff_client.get(reverse("partners:option_search"), options).status_code == 200
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("raw", ["²", "١٢", "9" * 40])
def test_a_contact_id_that_is_not_an_id_is_a_form_error_not_a_500(staff_client, raw):
    """A "²" passes isdigit() yet fails int(); the form and the picker widget used to call it."""
    partnership = PartnershipFactory()
    response = staff_client.post(
        reverse("partners:interaction_create"),
        _data(partnership=partnership.pk, contacts=[raw]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Interaction.objects.count() == 0
