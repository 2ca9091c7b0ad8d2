from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import slugify

from partners.models import Organization, Theme
from tests.factories import (
    AgreementFactory,
    CityFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def _theme(name: str = "Culture") -> Theme:
    # Reference data comes from a migration; a transactional test elsewhere may have flushed it.
    return Theme.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def _data(client, **params) -> dict:
    response = client.get(reverse("partners:map_data"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_anonymous_is_sent_to_login(anonymous_client):
    for url in (reverse("partners:map"), reverse("partners:map_data")):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_mayor_sees_the_map(mayor_client):
    PartnershipFactory()
    assert mayor_client.get(reverse("partners:map")).status_code == 200
    assert len(_data(mayor_client)["partnerships"]) == 1


def test_map_data_lists_home_and_partnerships_with_coordinates(staff_client, settings):
    vienna = PartnershipFactory(
        city=CityFactory(name="Vienna", latitude=Decimal("48.2085"), longitude=Decimal("16.3721")),
        level="sister",
    )
    PartnershipFactory(city=CityFactory(name="Nowhere", latitude=None, longitude=None))
    data = _data(staff_client)
    assert data["home"] == {
        "name": settings.HOME_CITY["name"],
        "lat": settings.HOME_CITY["latitude"],
        "lng": settings.HOME_CITY["longitude"],
    }
    assert [lv["value"] for lv in data["levels"]] == [
        "sister",
        "partner",
        "friendship",
        "cooperation",
    ]
    assert data["partnerships"] == [
        {
            "id": vienna.pk,
            "city": "Vienna",
            "country": "Austria",
            "level": "sister",
            "level_label": "Sister city",
            "status": "active",
            "status_label": "Active",
            "lat": 48.2085,
            "lng": 16.3721,
            "url": vienna.get_absolute_url(),
        }
    ]


def test_filter_by_theme(staff_client):
    theme = _theme()
    tagged = PartnershipFactory()
    tagged.themes.add(theme)
    PartnershipFactory()
    assert [p["id"] for p in _data(staff_client, theme=theme.pk)["partnerships"]] == [tagged.pk]


def test_filter_by_network_through_agreements_or_projects(staff_client):
    network = OrganizationFactory(name="Net Alpha", kind=Organization.Kind.NETWORK)
    other = OrganizationFactory(name="Net Beta", kind=Organization.Kind.NETWORK)
    by_agreement = PartnershipFactory(city=CityFactory(name="A"))
    AgreementFactory(partnership=by_agreement).organizations.add(network)
    by_project = PartnershipFactory(city=CityFactory(name="B"))
    project = ProjectFactory()
    project.partnerships.add(by_project)
    project.organizations.add(network)
    unrelated = PartnershipFactory(city=CityFactory(name="C"))
    AgreementFactory(partnership=unrelated).organizations.add(other)
    AgreementFactory().organizations.add(network)  # names the network but no partnership
    ids = [p["id"] for p in _data(staff_client, network=network.pk)["partnerships"]]
    assert ids == [by_agreement.pk, by_project.pk]
    page = staff_client.get(reverse("partners:map"), {"network": network.pk}).content.decode()
    assert by_agreement.get_absolute_url() in page
    assert unrelated.get_absolute_url() not in page
    assert "one of its agreements or one of its cooperation projects" in page


def test_only_network_organisations_are_offered(staff_client):
    OrganizationFactory(name="Net Alpha", kind=Organization.Kind.NETWORK)
    embassy = OrganizationFactory(name="Embassy of X", kind=Organization.Kind.EMBASSY)
    page = staff_client.get(reverse("partners:map")).content.decode()
    assert "Net Alpha" in page and "Embassy of X" not in page
    data = _data(staff_client, network=embassy.pk)
    assert "network" in data["errors"]


@pytest.mark.parametrize("params", [{"theme": "x"}, {"network": "999999"}, {"theme": "1; drop"}])
def test_bad_filters_are_reported_not_500(staff_client, params):
    PartnershipFactory()
    data = _data(staff_client, **params)
    assert data["errors"]
    assert len(data["partnerships"]) == 1  # the bad filter is ignored
    page = staff_client.get(reverse("partners:map"), params)
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()


def test_page_is_offline_capable_and_has_no_inline_script(staff_client, settings):
    settings.MAP_TILE_URL = ""
    p = PartnershipFactory(city=CityFactory(name="Vienna"))
    html = staff_client.get(reverse("partners:map"), {"theme": ""}).content.decode()
    assert f'data-map-data-url="{reverse("partners:map_data")}?theme="' in html
    assert 'data-tile-url=""' in html
    assert "plain background" in html
    assert "vendor/leaflet/leaflet.js" in html and "js/map.js" in html
    assert "<script>" not in html and "style=" not in html
    # the accessible table below the map lists the same partnerships
    assert f'<a href="{p.get_absolute_url()}">Vienna</a>' in html
    # the legend names every level
    for label in ("Sister city", "Partner city", "Friendship city", "Cooperation / MoU"):
        assert label in html


def test_tile_layer_when_configured(staff_client, settings):
    settings.MAP_TILE_URL = "https://tile.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example"
    html = staff_client.get(reverse("partners:map")).content.decode()
    assert 'data-tile-url="https://tile.example/{z}/{x}/{y}.png"' in html
    assert "plain background" not in html


def _count(client, django_assert_num_queries, expected: int, **params) -> None:
    with django_assert_num_queries(expected):
        client.get(reverse("partners:map_data"), params)


def test_map_data_query_count_is_constant(staff_client, django_assert_num_queries):
    theme = _theme()
    network = OrganizationFactory(kind=Organization.Kind.NETWORK)

    def add() -> None:
        p = PartnershipFactory()
        p.themes.add(theme)
        AgreementFactory(partnership=p).organizations.add(network)

    add()
    # session, user, 2 x permissions, partnerships (with their cities)
    _count(staff_client, django_assert_num_queries, 5)
    # + the theme and the network looked up by the filter form
    _count(staff_client, django_assert_num_queries, 7, theme=theme.pk, network=network.pk)
    for _ in range(10):
        add()
    _count(staff_client, django_assert_num_queries, 5)
    _count(staff_client, django_assert_num_queries, 7, theme=theme.pk, network=network.pk)
    assert len(_data(staff_client, theme=theme.pk, network=network.pk)["partnerships"]) == 11


def test_map_page_query_count_is_constant(staff_client, django_assert_num_queries):
    PartnershipFactory()
    url = reverse("partners:map")
    # session, user, 2 x permissions, theme and network choices, table rows, layout groups x2
    with django_assert_num_queries(8):
        staff_client.get(url)
    PartnershipFactory.create_batch(10)
    with django_assert_num_queries(8):
        staff_client.get(url)


def test_map_data_gives_each_partnership_its_own_labels_country_and_url(staff_client):
    krakow = PartnershipFactory(
        city=CityFactory(name="Krakow", country="PL", latitude=Decimal("50.06")),
        level="partner",
        status="dormant",
    )
    lyon = PartnershipFactory(
        city=CityFactory(name="Lyon", country="FR", latitude=Decimal("45.76")),
        level="friendship",
        status="active",
    )
    markers = {m["id"]: m for m in _data(staff_client)["partnerships"]}
    assert (markers[krakow.pk]["country"], markers[lyon.pk]["country"]) == ("Poland", "France")
    assert markers[krakow.pk]["url"] == krakow.get_absolute_url()
    assert markers[lyon.pk]["url"] == lyon.get_absolute_url()
    assert (markers[krakow.pk]["level_label"], markers[krakow.pk]["status_label"]) == (
        "Partner city",
        "Dormant",
    )
    assert markers[lyon.pk]["status_label"] == "Active"
    table = staff_client.get(reverse("partners:map")).content.decode()
    assert f'<a href="{krakow.get_absolute_url()}">Krakow</a></td><td>Poland</td>' in table
