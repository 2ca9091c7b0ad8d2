from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from partners.models import City
from tests.editing import with_version
from tests.factories import (
    CityFactory,
    ContactFactory,
    OpportunityFactory,
    OrganizationFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


VIENNA_ID = 2761369  # GeoNames id of Vienna, Austria in the bundled gazetteer


def _edit_urls(city: City) -> list[str]:
    return [
        reverse("partners:city_create"),
        reverse("partners:city_suggest") + "?q=Vien",
        reverse("partners:city_update", args=[city.pk]),
        reverse("partners:city_delete", args=[city.pk]),
    ]


# --- access -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(anonymous_client):
    city = CityFactory()
    urls = [reverse("partners:city_list"), reverse("partners:city_detail", args=[city.pk])]
    for url in urls + _edit_urls(city):
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_mayor_reads_but_cannot_edit(mayor_client):
    city = CityFactory()
    PartnershipFactory(city=CityFactory(name="Other"))
    for url in (reverse("partners:city_list"), reverse("partners:city_detail", args=[city.pk])):
        response = mayor_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert reverse("partners:city_create") not in html
        assert reverse("partners:city_update", args=[city.pk]) not in html
        assert reverse("partners:city_delete", args=[city.pk]) not in html
        assert reverse("partners:partnership_create") not in html
    for url in _edit_urls(city):
        assert mayor_client.get(url).status_code == 403, url
        assert mayor_client.post(url, {"name": "X", "country": "AT"}).status_code == 403, url
    assert City.objects.filter(pk=city.pk).exists()


def test_missing_city_is_404(staff_client):
    assert staff_client.get(reverse("partners:city_detail", args=[999999])).status_code == 404
    assert staff_client.get(reverse("partners:city_update", args=[999999])).status_code == 404


# --- the gazetteer picker -----------------------------------------------------------------------


def test_suggestions_fragment_offers_vienna(staff_client):
    response = staff_client.get(
        reverse("partners:city_suggest"), {"q": "Vien"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert "Vienna, Austria" in html
    assert f"geonames_id={VIENNA_ID}" in html


def test_suggestions_name_the_country_in_the_readers_language(staff_client):
    response = staff_client.get(
        reverse("partners:city_suggest"),
        {"q": "Vien"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="hu",
    )
    html = response.content.decode()
    assert "Vienna, Ausztria" in html and "Austria" not in html
    # The index is shared: the next reader in English still reads English.
    english = staff_client.get(reverse("partners:city_suggest"), {"q": "Vien"}).content.decode()
    assert "Vienna, Austria" in english


def test_suggestions_mark_cities_already_registered(staff_client):
    existing = CityFactory(name="Vienna", geonames_id=VIENNA_ID)
    html = staff_client.get(reverse("partners:city_suggest"), {"q": "Vien"}).content.decode()
    assert "already registered" in html
    assert existing.get_absolute_url() in html
    assert f"geonames_id={VIENNA_ID}" not in html


def test_suggestions_for_too_short_or_unknown_queries(staff_client):
    url = reverse("partners:city_suggest")
    assert "list-group-item" not in staff_client.get(url, {"q": ""}).content.decode()
    html = staff_client.get(url, {"q": "Qxzqxz"}).content.decode()
    assert "Enter the city by hand" in html
    assert staff_client.get(url, {"q": "x" * 500}).status_code == 200


def test_create_page_search_works_without_javascript(staff_client):
    html = staff_client.get(reverse("partners:city_create"), {"q": "Vien"}).content.decode()
    assert 'hx-get="' + reverse("partners:city_suggest") in html
    assert 'hx-trigger="input changed delay:250ms' in html
    assert f"geonames_id={VIENNA_ID}" in html  # suggestions rendered server-side too


def test_picking_a_suggestion_prefills_the_form(staff_client):
    response = staff_client.get(reverse("partners:city_create"), {"geonames_id": VIENNA_ID})
    form = response.context["form"]
    assert form.initial["name"] == "Vienna"
    assert form.initial["country"] == "AT"
    assert form.initial["latitude"] == Decimal("48.20849")
    assert form.initial["longitude"] == Decimal("16.37208")
    assert form.initial["population"] == 1691468
    assert form.initial["timezone"] == "Europe/Vienna"
    html = response.content.decode()
    assert 'value="Vienna"' in html
    assert 'value="Europe/Vienna"' in html
    assert f'name="geonames_id" value="{VIENNA_ID}"' in html


def test_saving_a_picked_city(staff_client):
    data = {
        "name": "Vienna",
        "country": "AT",
        "region": "",
        "population": "1691468",
        "latitude": "48.20849",
        "longitude": "16.37208",
        "timezone": "Europe/Vienna",
        "geonames_id": str(VIENNA_ID),
        "notes": "",
    }
    response = staff_client.post(reverse("partners:city_create"), data)
    city = City.objects.get(geonames_id=VIENNA_ID)
    assert response.status_code == 302
    assert response.url == city.get_absolute_url()
    assert city.continent == "EU"
    assert city.history.count() == 1


@pytest.mark.parametrize("raw", ["abc", "0", "999999999"])
def test_unknown_gazetteer_id_is_a_warning_not_an_error(staff_client, raw):
    response = staff_client.get(reverse("partners:city_create"), {"geonames_id": raw})
    assert response.status_code == 200
    if raw != "abc" and raw != "0":
        assert "not in the gazetteer" in response.content.decode()
    assert not response.context["form"].initial


def test_picking_an_existing_city_warns_with_a_link(staff_client):
    existing = CityFactory(name="Vienna", geonames_id=VIENNA_ID)
    response = staff_client.get(reverse("partners:city_create"), {"geonames_id": VIENNA_ID})
    html = response.content.decode()
    assert "already in the register" in html
    assert f'href="{existing.get_absolute_url()}"' in html


def test_manual_entry_for_a_place_the_gazetteer_lacks(staff_client):
    data = {"name": "Kleinkleckersdorf", "country": "DE", "region": "Bavaria", "timezone": ""}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.status_code == 302
    city = City.objects.get(name="Kleinkleckersdorf")
    assert city.geonames_id is None and city.latitude is None


def test_duplicate_geonames_id_is_refused_with_a_link(staff_client):
    existing = CityFactory(name="Wien", geonames_id=VIENNA_ID)
    data = {"name": "Vienna", "country": "AT", "geonames_id": str(VIENNA_ID)}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already in the register" in html
    assert f'<a href="{existing.get_absolute_url()}">' in html
    # Once, in the error summary at the top of the form (crispy's own box is left out).
    assert html.count("already in the register") == 1
    assert City.objects.count() == 1


def test_duplicate_name_country_region_is_refused(staff_client):
    existing = CityFactory(name="Springfield", country="US", region="Illinois")
    data = {"name": "springfield ", "country": "US", "region": "illinois"}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    # Same name in another region is a different town.
    data["region"] = "Massachusetts"
    assert staff_client.post(reverse("partners:city_create"), data).status_code == 302
    assert City.objects.filter(name__iexact="springfield").count() == 2


def test_field_validation_messages(staff_client):
    data = {
        "name": "Nowhere",
        "country": "AT",
        "latitude": "95",
        "timezone": "Mars/Olympus",
        "geonames_id": "123",
    }
    response = staff_client.post(reverse("partners:city_create"), data)
    form = response.context["form"]
    assert response.status_code == 200
    assert "latitude" in form.errors
    assert "timezone" in form.errors
    assert "geonames_id" in form.errors
    data = {"name": "Nowhere", "country": "AT", "latitude": "45"}
    form = staff_client.post(reverse("partners:city_create"), data).context["form"]
    assert "longitude" in form.errors
    assert not City.objects.exists()


def test_next_sends_the_user_back_with_the_new_city(staff_client):
    back = reverse("partners:partnership_create")
    data = {"name": "Graz", "country": "AT", "next": back}
    response = staff_client.post(reverse("partners:city_create"), data)
    city = City.objects.get(name="Graz")
    assert response.url == f"{back}?city={city.pk}"
    page = staff_client.get(reverse("partners:city_create"), {"next": back, "q": "Vien"})
    assert f"&amp;next={back}" in page.content.decode()


def test_next_to_another_site_is_ignored(staff_client):
    data = {"name": "Linz", "country": "AT", "next": "https://evil.example/"}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.url == City.objects.get(name="Linz").get_absolute_url()


# --- list, detail, edit, delete -----------------------------------------------------------------


def test_list_search_filters_and_pagination(staff_client):
    CityFactory(name="Vienna", country="AT")
    CityFactory(name="Kyoto", country="JP")
    CityFactory(name="Lyon", country="FR", region="Auvergne-Rhône-Alpes")
    url = reverse("partners:city_list")

    def names(**params: str) -> list[str]:
        return [c.name for c in staff_client.get(url, params).context["cities"]]

    assert names() == ["Kyoto", "Lyon", "Vienna"]
    assert names(q="yo") == ["Kyoto", "Lyon"]
    assert names(q="rhône") == ["Lyon"]
    assert names(country="JP") == ["Kyoto"]
    assert names(continent="EU") == ["Lyon", "Vienna"]
    assert names(continent="AS", q="ky") == ["Kyoto"]


@pytest.mark.parametrize(
    "params",
    [{"continent": "XX"}, {"country": "ZZZ"}, {"page": "abc"}, {"page": "-5"}, {"page": "9999"}],
)
def test_list_bad_query_strings_never_500(staff_client, params):
    CityFactory()
    response = staff_client.get(reverse("partners:city_list"), params)
    assert response.status_code == 200
    if "continent" in params or "country" in params:
        assert "Select a valid choice" in response.content.decode()


def test_list_paginates(staff_client):
    CityFactory.create_batch(30)
    response = staff_client.get(reverse("partners:city_list"), {"page": "2"})
    assert len(response.context["cities"]) == 5
    assert "Page 2 of 2" in response.content.decode()


def _list_queries(client, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(reverse("partners:city_list")).status_code == 200


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    CityFactory()
    # session, user, user + group permissions, count, page rows, and the layout's two group
    # look-ups (role check, user menu)
    _list_queries(staff_client, django_assert_num_queries, 7)
    for _ in range(10):
        PartnershipFactory()
    _list_queries(staff_client, django_assert_num_queries, 7)


def test_detail_shows_partnerships_people_and_organisations(staff_client):
    city = CityFactory(name="Vienna")
    partnership = PartnershipFactory(city=city)
    contact = ContactFactory(city=city, last_name="Ludwig")
    org = OrganizationFactory(city=city, name="Eurocities Vienna office")
    response = staff_client.get(city.get_absolute_url())
    html = response.content.decode()
    assert partnership.get_absolute_url() in html
    assert contact.last_name in html
    assert org.name in html
    assert 'id="pane-history"' in html
    assert reverse("partners:city_update", args=[city.pk]) in html
    # an open partnership exists, so no "Add a partnership" button
    assert f"{reverse('partners:partnership_create')}?city={city.pk}" not in html


def _detail_queries(client, city, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(city.get_absolute_url()).status_code == 200


def test_detail_query_count_does_not_grow(staff_client, django_assert_num_queries):
    city = CityFactory()
    PartnershipFactory(city=city)
    ContactFactory(city=city)
    # session, user, 2 x permissions, city, partnerships, history, offices, contacts,
    # organisations, the layout's two group look-ups, and the business opportunities panel (2)
    _detail_queries(staff_client, city, django_assert_num_queries, 13)
    for _ in range(10):
        ContactFactory(city=city)
        OrganizationFactory(city=city)
        OpportunityFactory(city=city)
    PartnershipFactory(
        city=city, status="ended", ended_on="2020-01-01", established_on="2010-01-01"
    )
    _detail_queries(staff_client, city, django_assert_num_queries, 13)


def test_update_changes_and_records_history(staff_client):
    city = CityFactory(name="Wien", population=1)
    data = {
        "name": "Vienna",
        "country": "AT",
        "population": "2000000",
        "latitude": "48.2",
        "longitude": "16.3",
    }
    response = staff_client.post(
        reverse("partners:city_update", args=[city.pk]), with_version(data, city)
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.name == "Vienna" and city.population == 2_000_000
    html = staff_client.get(city.get_absolute_url()).content.decode()
    assert "Wien" in html  # the history tab shows the old name


def test_update_cannot_collide_with_another_city(staff_client):
    CityFactory(name="Vienna", country="AT")
    other = CityFactory(name="Graz", country="AT")
    data = {"name": "Vienna", "country": "AT"}
    response = staff_client.post(reverse("partners:city_update", args=[other.pk]), data)
    assert response.status_code == 200
    assert "already in the register" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Graz"


def test_delete_asks_for_confirmation_then_deletes(staff_client):
    city = CityFactory()
    ContactFactory(city=city)
    url = reverse("partners:city_delete", args=[city.pk])
    page = staff_client.get(url)
    assert "1 contact will lose their city." in page.content.decode()
    assert City.objects.filter(pk=city.pk).exists()
    response = staff_client.post(url)
    assert response.url == reverse("partners:city_list")
    assert not City.objects.filter(pk=city.pk).exists()


def test_delete_of_a_city_with_partnerships_is_refused_clearly(staff_client):
    city = CityFactory()
    PartnershipFactory(city=city)
    response = staff_client.post(reverse("partners:city_delete", args=[city.pk]), follow=True)
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert City.objects.filter(pk=city.pk).exists()


def test_a_concurrent_duplicate_city_is_a_form_error_not_a_500(staff_client, monkeypatch):
    from partners.forms.cities import CityForm

    CityFactory(name="Vienna", geonames_id=VIENNA_ID)
    monkeypatch.setattr(CityForm, "clean", lambda self: self.cleaned_data)
    monkeypatch.setattr(City, "validate_constraints", lambda self, exclude=None: None)
    data = {"name": "Vienna", "country": "AT", "geonames_id": str(VIENNA_ID)}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.status_code == 200
    assert "just added by someone else" in response.content.decode()
    assert City.objects.count() == 1
