"""Global search: prefix matching, every kind, counts, hostile input, bounded queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cityrelations.pages.search import KINDS, _matching, global_search, search_words
from partners.models import Contact
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    OrganizationFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    vienna = CityFactory(name="Vienna", country="AT", region="Wien")
    PartnershipFactory(city=vienna, summary="Sister city since 1990")
    CityFactory(name="Prague", country="CZ")
    org = OrganizationFactory(name="Example Network of Cities", acronym="ENC")
    ContactFactory(
        first_name="Erika", last_name="Example", email="erika@vienna.example", organization=org
    )
    ContactFactory(first_name="Max", last_name="Mustermann", email="max@berlin.example")
    AgreementFactory(title="Example memorandum on culture", signed_at="Vienna City Hall")


def kinds(results) -> dict[str, list[str]]:
    return {group.kind: [hit.label for hit in group.hits] for group in results}


def test_prefix_finds_vienna_in_every_kind(data):
    found = kinds(global_search("vien"))
    assert found["cities"] == ["Vienna, Austria"]
    assert len(found["partnerships"]) == 1
    assert found["agreements"] == ["Example memorandum on culture"]
    if connection.vendor == "postgresql":  # the email token starts with the name
        assert found["contacts"] == ["Erika Example"]


def test_words_must_all_match_across_kinds(data):
    found = kinds(global_search("exam"))
    assert set(found) == {"organizations", "contacts", "agreements"}
    assert kinds(global_search("example culture")) == {
        "agreements": ["Example memorandum on culture"]
    }
    assert global_search("example nonsenseword") == []


def test_ranking_puts_the_best_match_first(data):
    AgreementFactory(title="Memorandum", summary="mentions example once")
    AgreementFactory(title="Example example example")
    hits = kinds(global_search("example"))["agreements"]
    if connection.vendor == "postgresql":
        assert hits[0] == "Example example example"
    assert set(hits) == {"Example memorandum on culture", "Memorandum", "Example example example"}


def test_counts_per_kind_beyond_the_first_page():
    for n in range(13):
        CityFactory(name=f"Exampleville {n}")
    [group] = global_search("exampleville")
    assert group.total == 13 and len(group.hits) == 10 and group.more == 3


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
    ],
)
def test_hostile_queries_never_fail(staff_client, data, query):
    response = staff_client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_words_are_letters_and_digits():
    assert search_words("vien:* | !prague_x 'a'") == ["vien", "prague", "x", "a"]
    assert search_words("  ") == []
    assert len(search_words("a b c d e f g h")) == 6


def test_empty_and_no_results_pages(staff_client, data):
    response = staff_client.get(reverse("search"))
    assert response.status_code == 200 and "Type a name" in response.content.decode()
    response = staff_client.get(reverse("search"), {"q": "zzzzqqq"})
    assert "Nothing matches" in response.content.decode()
    response = staff_client.get(reverse("search"), {"q": "vien"})
    html = response.content.decode()
    assert "Vienna, Austria" in html and 'id="results-cities"' in html


def test_roles(mayor_client, anonymous_client):
    assert mayor_client.get(reverse("search"), {"q": "x"}).status_code == 200
    assert anonymous_client.get(reverse("search"), {"q": "x"}).status_code == 302


def _search_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(reverse("search"), {"q": "example"}).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_results(staff_client, django_assert_max_num_queries):
    org = OrganizationFactory(name="Example Org 0")
    ContactFactory(last_name="Example", organization=org)
    AgreementFactory(title="Example 0")
    few = _search_queries(staff_client, django_assert_max_num_queries, 12)
    for n in range(1, 12):
        org = OrganizationFactory(name=f"Example Org {n}", city=CityFactory())
        ContactFactory(last_name="Example", organization=org, city=CityFactory())
        AgreementFactory(title=f"Example {n}")
        PartnershipFactory(summary="example")
    many = _search_queries(staff_client, django_assert_max_num_queries, 12)
    assert many == few  # one query per kind, whatever the number of hits


def test_contact_index_exists_only_on_postgresql(data):
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, Contact._meta.db_table)
        assert "contact_search_document" not in indexes  # the migration is a no-op there
        return
    contacts = next(k for k in KINDS if k.kind == "contacts")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = _matching(contacts, ["erika"]).explain()
        cursor.execute("SET enable_seqscan = on")
    assert "contact_search_document" in plan


def test_city_search_uses_its_index(data):
    """The expression the search matches cities by is the one partners migration 0014 indexes."""
    if connection.vendor != "postgresql":
        return
    cities = next(k for k in KINDS if k.kind == "cities")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = _matching(cities, ["Bécs"]).explain()
        cursor.execute("SET enable_seqscan = on")
    assert "city_search_folded" in plan


def test_broad_queries_count_and_rank_a_bounded_number_of_candidates(monkeypatch):
    import cityrelations.pages.search as search

    monkeypatch.setattr(search, "CANDIDATES", 5)
    monkeypatch.setattr(search, "PER_KIND", 3)
    for n in range(8):
        CityFactory(name=f"Exampleton {n}")
    [group] = global_search("exampleton")
    assert group.capped and group.shown_total == "5+"
    assert len(group.hits) == 3 and group.more == 2
