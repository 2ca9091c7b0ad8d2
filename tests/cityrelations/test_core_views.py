"""The view helpers every app shares: ids read from a query string and the safe ``next`` URL."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from cityrelations.core.views import MAX_ID, id_from_query, ids_from_query, safe_next


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (None, None),
        ("", None),
        ("x", None),
        ("-3", None),
        ("1.5", None),
        (" 4", None),
        ("²", None),  # isdigit() says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits: not an id in a URL we write
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),  # int() refuses more than 4,300 digits
    ],
)
def test_id_from_query(raw, expected):
    assert id_from_query(raw) == expected


def test_ids_from_query_keeps_the_ids_in_order():
    assert ids_from_query(["3", "x", "7", "²", "99999999999999999999", "3"]) == [3, 7, 3]


@pytest.mark.parametrize(
    ("next_url", "secure", "expected"),
    [
        ("/partners/", False, "/partners/"),
        ("http://testserver/partners/", False, "http://testserver/partners/"),
        ("https://evil.example/", False, "/home/"),
        ("//evil.example/", False, "/home/"),
        ("javascript:alert(1)", False, "/home/"),
        ("http://testserver/partners/", True, "/home/"),  # no step down from HTTPS
        ("", False, "/home/"),
    ],
)
def test_safe_next_refuses_other_sites(next_url, secure, expected):
    factory = RequestFactory()
    get = factory.get("/", {"next": next_url}, secure=secure)
    post = factory.post("/", {"next": next_url}, secure=secure)
    assert safe_next(get, "/home/") == expected
    assert safe_next(post, "/home/") == expected


def test_safe_next_prefers_the_form_to_the_query_string():
    request = RequestFactory().post("/?next=/from-query/", {"next": "/from-form/"})
    assert safe_next(request, "") == "/from-form/"
