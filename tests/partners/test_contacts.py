"""Contacts and offices: roles, list (search, filters, sort, pages), detail, CRUD, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from partners.models import Contact, Interaction, Office
from tests.editing import with_version
from tests.factories import (
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return ContactFactory(
        first_name="Eva",
        last_name="Kovacs",
        email="eva.kovacs@wien.example",
        city=CityFactory(name="Vienna"),
        organization=OrganizationFactory(name="Danube Mayors Forum"),
        languages="de, en",
    )


@pytest.fixture
def office(contact):
    return Office.objects.create(title="Mayor of Vienna", contact=contact, city=contact.city)


# --- Roles ----------------------------------------------------------------------------------------


def _read_urls(contact, office):
    return [
        reverse("partners:contact_list"),
        reverse("partners:contact_detail", args=[contact.pk]),
        reverse("partners:option_search") + "?kind=contact&q=eva",
    ]


def _edit_urls(contact, office):
    other = ContactFactory()
    return [
        reverse("partners:contact_create"),
        reverse("partners:contact_update", args=[contact.pk]),
        reverse("partners:contact_delete", args=[contact.pk]),
        reverse("partners:office_create") + f"?contact={contact.pk}",
        reverse("partners:office_update", args=[office.pk]),
        reverse("partners:office_delete", args=[office.pk]),
        reverse("partners:contact_merge") + f"?a={contact.pk}&b={other.pk}",
    ]


def test_anonymous_is_sent_to_login(anonymous_client, contact, office):
    for url in _read_urls(contact, office) + _edit_urls(contact, office):
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_mayor_reads_but_cannot_edit(mayor_client, contact, office):
    for url in _read_urls(contact, office):
        assert mayor_client.get(url).status_code == 200, url
    for url in _edit_urls(contact, office):
        assert mayor_client.get(url).status_code == 403, url
        assert mayor_client.post(url, {}).status_code == 403, url
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Office.objects.filter(pk=office.pk).exists()


def test_mayor_sees_no_edit_buttons(mayor_client, contact, office):
    body = mayor_client.get(reverse("partners:contact_detail", args=[contact.pk])).content.decode()
    assert reverse("partners:contact_update", args=[contact.pk]) not in body
    assert reverse("partners:office_create") not in body
    assert reverse("partners:interaction_create") not in body


def test_staff_opens_every_page(staff_client, contact, office):
    for url in _read_urls(contact, office) + _edit_urls(contact, office):
        assert staff_client.get(url).status_code == 200, url


def test_missing_or_malformed_ids_are_404(staff_client):
    assert staff_client.get(reverse("partners:contact_detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("partners:office_create") + "?contact=abc").status_code == 404
    assert staff_client.get(reverse("partners:office_create")).status_code == 404
    assert staff_client.get(reverse("partners:contact_merge") + "?a=1&b=x").status_code == 404


# --- List -----------------------------------------------------------------------------------------


def _names(response) -> list[str]:
    return [c.last_name for c in response.context["contacts"]]


def test_list_searches_name_email_organisation_and_city(staff_client, contact):
    ContactFactory(last_name="Other", email="x@y.example")
    url = reverse("partners:contact_list")
    for query in ("kova", "EVA.KOVACS@", "danube mayors", "vienna", "eva vienna"):
        assert _names(staff_client.get(url, {"q": query})) == ["Kovacs"], query
    assert _names(staff_client.get(url, {"q": "eva paris"})) == []


def test_list_filters(staff_client, contact):
    berlin = CityFactory(name="Berlin", country="DE")
    ContactFactory(last_name="Schmidt", city=berlin, languages="German,English")
    url = reverse("partners:contact_list")
    assert _names(staff_client.get(url, {"city": contact.city.pk})) == ["Kovacs"]
    assert _names(staff_client.get(url, {"country": "DE"})) == ["Schmidt"]
    assert _names(staff_client.get(url, {"organization": contact.organization.pk})) == ["Kovacs"]
    assert _names(staff_client.get(url, {"city_name": "vien"})) == ["Kovacs"]
    assert _names(staff_client.get(url, {"organization_name": "mayors forum"})) == ["Kovacs"]
    assert _names(staff_client.get(url, {"language": "en"})) == ["Kovacs"]
    assert _names(staff_client.get(url, {"language": "english"})) == ["Schmidt"]
    # "e" is not a whole language of anyone.
    assert _names(staff_client.get(url, {"language": "e"})) == []


def test_list_sorts(staff_client):
    ContactFactory(last_name="Alpha", city=CityFactory(name="Zurich"))
    ContactFactory(last_name="Beta", city=CityFactory(name="Amsterdam"))
    url = reverse("partners:contact_list")
    assert _names(staff_client.get(url)) == ["Alpha", "Beta"]
    assert _names(staff_client.get(url, {"sort": "-name"})) == ["Beta", "Alpha"]
    assert _names(staff_client.get(url, {"sort": "city"})) == ["Beta", "Alpha"]


def test_list_pages_without_counting(staff_client):
    ContactFactory.create_batch(30)
    url = reverse("partners:contact_list")
    first = staff_client.get(url)
    assert len(first.context["contacts"]) == 25
    assert first.context["page"].has_next()
    second = staff_client.get(url, {"page": 2})
    assert len(second.context["contacts"]) == 5
    assert not second.context["page"].has_next()
    assert b"Page 2" in second.content


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
        {"city": "nope"},
        {"organization": "99999"},
        {"sort": "password"},
        {"country": "XX"},
    ],
)
def test_list_survives_malformed_query_strings(staff_client, contact, query):
    assert staff_client.get(reverse("partners:contact_list"), query).status_code == 200


def test_list_empty_state(staff_client):
    response = staff_client.get(reverse("partners:contact_list"))
    assert b"No contacts recorded yet." in response.content


def _list_queries(client, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(reverse("partners:contact_list"), {"q": "a"}).status_code == 200


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    # session, user, user and group permissions, the navbar's groups (2), page of contacts,
    # the countries offered in the filter; per search word the ids of the matching
    # organisations, cities and offices (3), looked up first so the contact query uses its
    # indexes; and whether the words as typed find anyone (else typos are forgiven); the user's saved views of
    # the list.
    org, city = OrganizationFactory(), CityFactory()
    ContactFactory(first_name="Anna", organization=org, city=city)
    _list_queries(staff_client, django_assert_num_queries, 12)
    for _ in range(10):
        ContactFactory(first_name="Anna", organization=OrganizationFactory(), city=CityFactory())
    _list_queries(staff_client, django_assert_num_queries, 12)


# --- Detail ---------------------------------------------------------------------------------------


def test_detail_shows_offices_timeline_and_history(staff_client, contact, office):
    Office.objects.create(
        title="Deputy mayor",
        contact=contact,
        city=contact.city,
        started_on=dt.date(2010, 1, 1),
        ended_on=dt.date(2015, 1, 1),
    )
    interaction = InteractionFactory(subject="Tram cooperation talk")
    interaction.contacts.add(contact)
    membership = MembershipFactory(focal_point=contact)
    response = staff_client.get(reverse("partners:contact_detail", args=[contact.pk]))
    assert [o.title for o in response.context["current_offices"]] == ["Mayor of Vienna"]
    assert [o.title for o in response.context["past_offices"]] == ["Deputy mayor"]
    body = response.content.decode()
    assert "Tram cooperation talk" in body
    assert str(membership.organization) in body
    assert response.context["history"][0]["type"] == "created"


def _detail_queries(client, contact, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        response = client.get(reverse("partners:contact_detail", args=[contact.pk]))
        assert response.status_code == 200


def test_detail_query_count_does_not_grow(staff_client, contact, django_assert_num_queries):
    # session, user, user and group permissions, the navbar's groups (2), contact, offices,
    # interactions, duplicates, focal point, history, merge records, and the hub's panels
    # (offices 2, interactions 2, visits 3, gifts 2).
    def add_rows() -> None:
        Office.objects.create(title="Envoy", contact=contact, city=CityFactory())
        InteractionFactory(organization=OrganizationFactory()).contacts.add(contact)
        MembershipFactory(focal_point=contact)

    add_rows()
    _detail_queries(staff_client, contact, django_assert_num_queries, 22)
    for _ in range(9):
        add_rows()
    _detail_queries(staff_client, contact, django_assert_num_queries, 22)


def test_detail_lists_likely_duplicates_with_merge_link(staff_client, contact):
    twin = ContactFactory(first_name="EVA", last_name="kovacs", email="", city=contact.city)
    response = staff_client.get(reverse("partners:contact_detail", args=[contact.pk]))
    assert response.context["duplicates"] == [twin]
    assert f"?a={contact.pk}&amp;b={twin.pk}".encode() in response.content


# --- Create, edit, delete, duplicate flagging ---------------------------------------------------


def _contact_data(**overrides) -> dict[str, str]:
    data = {"first_name": "Jan", "last_name": "Novak", "email": "jan@praha.example"}
    data.update(overrides)
    return data


def test_create_contact(staff_client):
    city = CityFactory()
    response = staff_client.post(
        reverse("partners:contact_create"), _contact_data(city=city.pk, languages="cs, en")
    )
    contact = Contact.objects.get(last_name="Novak")
    assert response.status_code == 302
    assert response.url == contact.get_absolute_url()
    assert contact.city == city
    assert contact.history.first().history_user.username == "staff"


def test_create_requires_last_name_and_valid_email(staff_client):
    response = staff_client.post(
        reverse("partners:contact_create"), _contact_data(last_name="", email="not-an-email")
    )
    assert response.status_code == 200
    assert "last_name" in response.context["form"].errors
    assert "email" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_duplicate_email_is_flagged_case_insensitively(staff_client, contact):
    url = reverse("partners:contact_create")
    response = staff_client.post(url, _contact_data(email="EVA.Kovacs@WIEN.example"))
    assert response.status_code == 200
    assert response.context["form"].duplicates == [contact]
    body = response.content.decode()
    assert "Possible duplicate of" in body
    assert contact.get_absolute_url() in body
    assert 'type="checkbox" name="create_anyway"' in body
    assert Contact.objects.count() == 1


def test_same_name_in_same_city_is_flagged_but_not_elsewhere(staff_client, contact):
    url = reverse("partners:contact_create")
    same_city = _contact_data(first_name="eva", last_name="KOVACS", email="", city=contact.city.pk)
    response = staff_client.post(url, same_city)
    assert response.context["form"].duplicates == [contact]
    other_city = dict(same_city, city=CityFactory().pk)
    assert staff_client.post(url, other_city).status_code == 302
    assert Contact.objects.count() == 2


def test_create_anyway_creates_the_second_contact(staff_client, contact):
    data = _contact_data(email=contact.email.upper(), create_anyway="on")
    response = staff_client.post(reverse("partners:contact_create"), data)
    assert response.status_code == 302
    assert Contact.objects.filter(email__iexact=contact.email).count() == 2


def test_update_contact_is_not_blocked_by_its_own_email(staff_client, contact):
    url = reverse("partners:contact_update", args=[contact.pk])
    data = _contact_data(first_name="Eva", last_name="Kovacs-Nagy", email=contact.email)
    response = staff_client.post(url, with_version(data, contact))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_name == "Kovacs-Nagy"


def test_delete_contact_keeps_interactions(staff_client, contact, office):
    interaction = InteractionFactory()
    interaction.contacts.add(contact)
    url = reverse("partners:contact_delete", args=[contact.pk])
    assert b"1 office held by this contact will be deleted." in staff_client.get(url).content
    response = staff_client.post(url)
    assert response.url == reverse("partners:contact_list")
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Office.objects.filter(pk=office.pk).exists()
    assert Interaction.objects.filter(pk=interaction.pk).exists()


# --- Offices --------------------------------------------------------------------------------------


def test_add_office_from_contact_page(staff_client, contact):
    url = reverse("partners:office_create") + f"?contact={contact.pk}"
    data = {"title": "Councillor", "city": contact.city.pk, "started_on": "2024-10-01"}
    response = staff_client.post(url, data)
    assert response.url == contact.get_absolute_url()
    assert contact.offices.get().title == "Councillor"


def test_office_end_before_start_is_a_form_error(staff_client, contact):
    url = reverse("partners:office_create") + f"?contact={contact.pk}"
    data = {"title": "Councillor", "started_on": "2024-10-01", "ended_on": "2024-09-01"}
    response = staff_client.post(url, data)
    assert "ended_on" in response.context["form"].errors
    assert not Office.objects.exists()


def test_change_of_mayor_offers_to_end_previous_term(staff_client, contact):
    vienna = contact.city
    old = Office.objects.create(
        title="Mayor of Vienna", contact=contact, city=vienna, started_on=dt.date(2018, 5, 24)
    )
    successor = ContactFactory(last_name="Successor")
    url = reverse("partners:office_create") + f"?contact={successor.pk}"
    data = {"title": "mayor of vienna", "city": vienna.pk, "started_on": "2025-11-20"}

    first = staff_client.post(url, data)
    assert first.status_code == 200
    assert first.context["form"].previous_holders == [old]
    body = first.content.decode()
    assert "currently held by" in body
    assert "19 Nov 2025" in body
    assert not successor.offices.exists()

    second = staff_client.post(url, dict(data, previous_reviewed="True", end_previous="on"))
    assert second.status_code == 302
    old.refresh_from_db()
    assert old.ended_on == dt.date(2025, 11, 19)
    assert successor.offices.get().started_on == dt.date(2025, 11, 20)
    assert old.history.first().history_change_reason.startswith("Succeeded by")


def test_change_of_mayor_can_keep_previous_term_open(staff_client, contact):
    old = Office.objects.create(title="Mayor of Vienna", contact=contact, city=contact.city)
    successor = ContactFactory()
    url = reverse("partners:office_create") + f"?contact={successor.pk}"
    data = {"title": "Mayor of Vienna", "city": contact.city.pk, "previous_reviewed": "True"}
    assert staff_client.post(url, data).status_code == 302
    old.refresh_from_db()
    assert old.ended_on is None
    assert successor.offices.count() == 1


def test_handover_before_previous_start_is_refused(staff_client, contact):
    Office.objects.create(
        title="Mayor", contact=contact, city=contact.city, started_on=dt.date(2025, 1, 1)
    )
    successor = ContactFactory()
    url = reverse("partners:office_create") + f"?contact={successor.pk}"
    data = {
        "title": "Mayor",
        "city": contact.city.pk,
        "started_on": "2024-06-01",
        "previous_reviewed": "True",
        "end_previous": "on",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "started_on" in response.context["form"].errors
    assert not successor.offices.exists()


def test_edit_and_delete_office(staff_client, contact, office):
    url = reverse("partners:office_update", args=[office.pk])
    data = {"title": "Mayor of Vienna", "city": contact.city.pk, "ended_on": "2025-01-01"}
    assert staff_client.post(url, with_version(data, office)).url == contact.get_absolute_url()
    office.refresh_from_db()
    assert office.ended_on == dt.date(2025, 1, 1)
    response = staff_client.post(reverse("partners:office_delete", args=[office.pk]))
    assert response.url == contact.get_absolute_url()
    assert not Office.objects.exists()


# --- Searchable selects (cities, organisations, partnerships) ------------------------------------


def test_contact_form_renders_only_the_chosen_city(staff_client, contact):
    CityFactory(name="Unlisted town")
    body = staff_client.get(reverse("partners:contact_update", args=[contact.pk])).content.decode()
    assert "Unlisted town" not in body
    assert f'name="city" value="{contact.city.pk}"' in body
    assert "<select" not in body.split('id="div_id_city"')[1].split('id="div_id_organization"')[0]
    assert reverse("partners:option_search") in body


def test_contact_form_accepts_a_city_that_was_not_rendered(staff_client):
    far = CityFactory(name="Faraway")
    data = {"first_name": "Ola", "last_name": "Nordmann", "city": far.pk}
    assert staff_client.post(reverse("partners:contact_create"), data).status_code == 302
    assert Contact.objects.get(last_name="Nordmann").city == far


def test_option_search(staff_client, mayor_client, anonymous_client):
    vienna, villach = CityFactory(name="Vienna"), CityFactory(name="Villach")
    CityFactory(name="Graz")
    url = reverse("partners:option_search")
    query = {"kind": "city", "q": "vi", "exclude": [vienna.pk, "²"]}
    data = staff_client.get(url, query).json()
    assert [r["value"] for r in data["results"]] == [str(villach.pk)]
    assert data["more"] is False
    assert data["status"] == "1 match."
    assert mayor_client.get(url, query).status_code == 200
    assert anonymous_client.get(url, query).status_code == 302
    assert staff_client.get(url, {"kind": "user"}).status_code == 404
    org = OrganizationFactory(name="Union of Baltic Cities", acronym="UBC")
    organizations = staff_client.get(url, {"kind": "organization", "q": "ubc"}).json()
    assert organizations["results"][0]["value"] == str(org.pk)


def test_search_finds_contacts_by_their_organisation(staff_client):
    first = ContactFactory(last_name="Aho", organization=OrganizationFactory(name="Forum One"))
    second = ContactFactory(last_name="Berg", organization=OrganizationFactory(name="Forum Two"))
    ContactFactory(last_name="Cole", organization=OrganizationFactory(name="Council"))
    response = staff_client.get(reverse("partners:contact_list"), {"q": "forum"})
    assert [c.pk for c in response.context["contacts"]] == [first.pk, second.pk]


def test_search_matches_inside_names_and_emails(staff_client):
    ContactFactory(last_name="Example1234", email="someone@bench.example")
    ContactFactory(last_name="Other", email="x@elsewhere.example")
    url = reverse("partners:contact_list")
    assert _names(staff_client.get(url, {"q": "ample12"})) == ["Example1234"]
    assert _names(staff_client.get(url, {"q": "bench.ex"})) == ["Example1234"]


@pytest.mark.django_db
def test_contact_name_and_email_have_trigram_indexes_on_postgresql():
    from django.db import connection

    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "partners_contact"))
    trigram = {"contact_first_name_trgm", "contact_last_name_trgm", "contact_email_trgm"}
    # SQLite (make run) has no pg_trgm: the migration leaves it alone.
    assert (trigram <= names) is (connection.vendor == "postgresql")
    assert trigram & names in (set(), trigram)


def test_option_search_finds_contacts(staff_client, mayor_client):
    eva = ContactFactory(first_name="Eva", last_name="Kovács", organization=None, city=None)
    ContactFactory(first_name="Jan", last_name="Novak")
    url = reverse("partners:option_search")
    for typed in ("kova", "Kovác", "KOVACS eva"):
        data = staff_client.get(url, {"kind": "contact", "q": typed}).json()
        assert data["results"] == [{"value": str(eva.pk), "label": "Eva Kovács"}], typed
    assert mayor_client.get(url, {"kind": "contact", "q": "kova"}).status_code == 200
