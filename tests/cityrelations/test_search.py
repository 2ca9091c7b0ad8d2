"""Global search: forgiving spellings, every kind, groups and their lists, roles, bounded queries."""

from __future__ import annotations

import sqlite3

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from cityrelations.core.roles import DIPLOMACY_UNIT
from cityrelations.core.search import register_sqlite_fold, search_words
from cityrelations.pages.search import SEARCHERS, _matching, global_search
from partners.models import Contact, Office
from tests.delegations.factories import VisitFactory
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.newsletters.factories import StoryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
POSTGRESQL = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="typos are forgiven by pg_trgm"
)


@pytest.fixture
def data():
    vienna = CityFactory(name="Vienna", name_hu="Bécs", country="AT", region="Wien")
    PartnershipFactory(city=vienna, summary="Sister city since 1990")
    krakow = CityFactory(name="Kraków", name_hu="Krakkó", country="PL")
    PartnershipFactory(city=krakow)
    CityFactory(name="Prague", country="CZ")
    org = OrganizationFactory(name="Example Network of Cities", acronym="ENC")
    ContactFactory(
        first_name="Erika", last_name="Example", email="erika@vienna.example", organization=org
    )
    ContactFactory(first_name="Éva", last_name="Kovács", email="eva@budapest.example")
    ContactFactory(first_name="Max", last_name="Mustermann", email="max@berlin.example")
    AgreementFactory(title="Example memorandum on culture", signed_at="Vienna City Hall")
    return {"vienna": vienna, "krakow": krakow}


def found(results) -> dict[str, list[str]]:
    return {group.kind: [hit.label for hit in group.hits] for group in results}


def search_page(client, query: str) -> str:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["Krakow", "krakkó", "Kraków", "KRAKOW", "krakk"])
def test_krakow_in_every_spelling(staff_client, staff_user, data, query):
    results = found(global_search(query, staff_user))
    assert results["cities"] == ["Kraków, Poland"]
    assert len(results["partnerships"]) == 1
    html = search_page(staff_client, query)
    assert 'id="results-cities"' in html and "Kraków, Poland" in html


def test_contacts_without_case_or_accents(staff_user, data):
    for query in ("eva kovacs", "ÉVA KOVÁCS", "Kovacs", "kovács éva"):
        assert found(global_search(query, staff_user))["contacts"] == ["Éva Kovács"], query


def test_the_contact_list_forgives_the_same_way(staff_client, data):
    url = reverse("partners:contact_list")
    names = [c.last_name for c in staff_client.get(url, {"q": "eva kovacs"}).context["contacts"]]
    assert names == ["Kovács"]


def test_mayor_of_kyoto_finds_the_office_holder(staff_user):
    kyoto, osaka = CityFactory(name="Kyoto", country="JP"), CityFactory(name="Osaka", country="JP")
    mayor = ContactFactory(first_name="Daisaku", last_name="Kadokawa", city=kyoto)
    other = ContactFactory(first_name="Hiro", last_name="Yoshimura", city=osaka)
    Office.objects.create(title="Mayor of Kyoto", contact=mayor, city=kyoto)
    Office.objects.create(title="Mayor of Osaka", contact=other, city=osaka)
    ContactFactory(first_name="Aiko", last_name="Tanaka", city=kyoto)  # in Kyoto, not its mayor
    assert found(global_search("mayor of kyoto", staff_user))["contacts"] == ["Daisaku Kadokawa"]
    # An office and a city's name combine: the mayor of the city the contact lives in.
    assert found(global_search("mayor osaka", staff_user))["contacts"] == ["Hiro Yoshimura"]


@POSTGRESQL
def test_a_typo_is_forgiven(staff_user, data):
    results = found(global_search("Viena", staff_user))
    assert results["cities"] == ["Vienna, Austria"]
    assert results["agreements"] == ["Example memorandum on culture"]
    assert found(global_search("Krakov", staff_user))["cities"] == ["Kraków, Poland"]


def test_every_kind_is_found_and_grouped_in_order(staff_user, data):
    VisitFactory(title="Vienna cultural week", purpose="Opening")
    ProjectFactory(title="Danube Vienna riverfront")
    StoryFactory(title="Cooling Vienna with trees", title_hu="Bécs hűtése fákkal")
    results = global_search("vienna", staff_user)
    assert [group.kind for group in results] == [
        "cities",
        "partnerships",
        "contacts",
        "agreements",
        "visits",
        "projects",
        "stories",
    ]
    assert found(results)["stories"] == ["Cooling Vienna with trees"]
    # The story's Hungarian title and the city's Hungarian name are searched too.
    assert set(found(global_search("becs", staff_user))) == {"cities", "partnerships", "stories"}


def test_best_match_first_within_a_kind(staff_user):
    AgreementFactory(title="Memorandum", summary="mentions culture week in passing once")
    AgreementFactory(title="Culture week")
    hits = found(global_search("culture week", staff_user))["agreements"]
    assert set(hits) == {"Memorandum", "Culture week"}
    if connection.vendor == "postgresql":
        assert hits[0] == "Culture week"


def test_counts_and_the_cap_per_group():
    for n in range(13):
        CityFactory(name=f"Exampleville {n}")
    user = UserFactory(is_superuser=True)
    [group] = global_search("exampleville", user)
    assert group.total == 13 and len(group.hits) == 10 and group.more == 3


def test_show_all_opens_the_list_filtered_the_same_way(staff_client, data):
    html = search_page(staff_client, "krakkó")
    list_urls = {
        "cities": reverse("partners:city_list"),
        "partnerships": reverse("partners:partnership_list"),
    }
    for kind, url in list_urls.items():
        link = f'href="{url}?q=krakk%C3%B3" data-show-all="{kind}"'
        assert link in html, kind
    cities = staff_client.get(reverse("partners:city_list"), {"q": "krakkó"})
    assert [str(c) for c in cities.context["page"].object_list] == ["Kraków, Poland"]
    partnerships = staff_client.get(reverse("partners:partnership_list"), {"q": "KRAKOW"})
    assert "Kraków" in partnerships.content.decode()
    assert "Vienna" not in partnerships.content.decode()


def test_the_lists_forgive_accents(staff_client, data):
    OrganizationFactory(name="Fővárosi Közgyűlés")
    html = staff_client.get(reverse("partners:organization_list"), {"q": "fovarosi"})
    assert "Fővárosi Közgyűlés" in html.content.decode()
    VisitFactory(title="Study trip to Kraków")
    visits = staff_client.get(reverse("delegations:visit_list"), {"q": "krakow"})
    assert "Study trip to Kraków" in visits.content.decode()


def test_empty_state_gives_hints(staff_client, data):
    html = search_page(staff_client, "zzzzqqq")
    assert "Nothing matches" in html and "mayor of kyoto" in html
    assert "Press / on any page to search" in search_page(staff_client, "")


def test_the_mayors_office_reads_the_crm_but_finds_no_citizen(mayor_client, data):
    SubscriberFactory(email="krakow.fan@citizen.example", name="Kraków Fan")
    html = search_page(mayor_client, "krakow")
    assert "Kraków, Poland" in html and 'id="results-partnerships"' in html
    assert "krakow.fan" not in html and "Kraków Fan" not in html
    assert search_page(mayor_client, "kovacs").count('id="results-contacts"') == 1


def test_a_user_without_a_role_finds_nothing(client, data):
    user = UserFactory()
    client.force_login(user)
    assert global_search("krakow", user) == []
    assert "Nothing matches" in search_page(client, "krakow")
    user.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached on the instance
    assert "cities" in found(global_search("krakow", user))


def test_anonymous_is_sent_to_log_in(anonymous_client):
    assert anonymous_client.get(reverse("search"), {"q": "x"}).status_code == 302


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE partners_city; --",
        "vien:* | !prague",
        "a & b | (c",
        "((((",
        "\\",
        "%_%",
        "🙂 vienna",
        "x" * 5000,
        "\x00vien",
        "<script>alert(1)</script>",
        "ä ö ü ő ű",
        "::*:*",
        "__",
        "%% %>",
    ],
)
def test_hostile_queries_never_fail(staff_client, data, query):
    response = staff_client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_percent_and_underscore_are_literal(staff_user, data):
    assert global_search("%", staff_user) == [] and global_search("_", staff_user) == []


def test_search_words():
    assert search_words("vien:* | !prague_x 'a'") == ["vien", "prague"]
    assert search_words("mayor of kyoto") == ["mayor", "kyoto"]
    assert search_words("Bench City 12") == ["Bench", "City", "12"]
    assert search_words("Li") == ["Li"]  # a short word counts when it is all there is
    assert search_words("  ") == []
    assert len(search_words("aaa bbb ccc ddd eee fff ggg")) == 6


def test_sqlite_folds_in_python():
    class Wrapper:
        vendor = "sqlite"
        connection = sqlite3.connect(":memory:")

    register_sqlite_fold(None, Wrapper)
    row = Wrapper.connection.execute("SELECT cr_fold('Kraków BÉCS'), cr_fold(NULL)").fetchone()
    assert row == ("krakow becs", None)


def _search_queries(client, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(25) as captured:
        assert client.get(reverse("search"), {"q": "example"}).status_code == 200
    return len(captured)


def _one_of_each_kind(n: int) -> None:
    org = OrganizationFactory(name=f"Example Org {n}", city=CityFactory(name=f"Exampleton {n}"))
    ContactFactory(last_name="Example", organization=org, city=CityFactory())
    AgreementFactory(title=f"Example {n}")
    PartnershipFactory(summary="example")
    VisitFactory(title=f"Example visit {n}")
    ProjectFactory(title=f"Example project {n}")
    StoryFactory(title=f"Example story {n}")


def test_query_count_does_not_grow_with_results(staff_client, django_assert_max_num_queries):
    _one_of_each_kind(0)
    few = _search_queries(staff_client, django_assert_max_num_queries)
    for n in range(1, 12):
        _one_of_each_kind(n)
    many = _search_queries(staff_client, django_assert_max_num_queries)
    assert many == few  # one query per kind, whatever the number of hits


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    ("kind", "index"),
    [
        ("contacts", "contact_search_trgm"),
        ("cities", "city_search_trgm"),
        ("organizations", "organization_search_trgm"),
        ("agreements", "agreement_search_trgm"),
        ("visits", "visit_search_trgm"),
        ("projects", "project_search_trgm"),
        ("stories", "story_search_trgm"),
    ],
)
def test_each_kind_can_use_its_trigram_index(data, kind, index):
    """The index is on the very expression the search matches (they must stay in step)."""
    searcher = next(s for s in SEARCHERS if s.kind == kind)
    with connection.cursor() as cursor:
        # Tiny tables: forbid the plans that would read every row, as 100,000 rows do.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        plan = _matching(searcher, "kovacs viena").explain()
        cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
    assert index in plan


def test_contact_search_queries_per_word_not_per_match(data, django_assert_num_queries):
    # Per word: the organisations, cities and offices it matches (ids); then the contacts.
    with django_assert_num_queries(2 * 3 + 1):
        list(Contact.objects.search("mayor of vienna"))
    for n in range(5):
        office_holder = ContactFactory(city=CityFactory(name=f"Vienna {n}"))
        Office.objects.create(title="Mayor of Vienna", contact=office_holder)
    with django_assert_num_queries(2 * 3 + 1):
        assert len(Contact.objects.search("mayor of vienna")) == 5
