"""detail_url() builds exactly what reverse() gives, and falls back to it when it must."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from cityrelations.core.links import _around_id, detail_url

VIEWS = [
    "delegations:visit_detail",
    "partners:partnership_detail",
    "partners:contact_detail",
    "partners:city_detail",
    "newsletters:edition_detail",
]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("pk", [1, 7, 10, 2147483, 99999999999])
def test_same_as_reverse(viewname: str, pk: int) -> None:
    assert detail_url(viewname, pk) == reverse(viewname, args=[pk])


def test_follows_the_script_prefix() -> None:
    try:
        set_script_prefix("/relations/")
        assert detail_url("delegations:visit_detail", 5) == "/relations/delegations/visits/5/"
    finally:
        set_script_prefix("/")
    assert detail_url("delegations:visit_detail", 5) == "/delegations/visits/5/"


def test_an_unsaved_object_fails_as_reverse_does() -> None:
    with pytest.raises(NoReverseMatch):
        detail_url("delegations:visit_detail", None)


def test_a_view_without_an_id_is_not_templated() -> None:
    with pytest.raises(NoReverseMatch):
        _around_id("dashboard", "/", None)
