"""An id far beyond any integer column answers 404, not a database error (500).

These routes once parsed their ids through ``int_or_404`` helpers; Django 5 answers an integer
lookup out of the column's range with no rows, so ``<int:pk>`` and ``get_object_or_404`` are
enough. Ids in a query string are read by ``cityrelations.core.views.get_from_query``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # > 2**64: out of range even for a bigint column

# (URL name, extra URL arguments, methods)
PATH_ROUTES = [
    ("delegations:visit_detail", [], ["get"]),
    ("delegations:visit_update", [], ["get", "post"]),
    ("delegations:visit_delete", [], ["get", "post"]),
    ("delegations:visit_transition", ["submit"], ["post"]),
    ("delegations:participant_create", [], ["get", "post"]),
    ("delegations:participant_update", [], ["get", "post"]),
    ("delegations:participant_delete", [], ["get", "post"]),
    ("delegations:agenda_item_create", [], ["get", "post"]),
    ("delegations:agenda_item_update", [], ["get", "post"]),
    ("delegations:agenda_item_delete", [], ["get", "post"]),
    ("delegations:logistics_create", [], ["get", "post"]),
    ("delegations:logistics_add_standard", [], ["post"]),
    ("delegations:logistics_update", [], ["get", "post"]),
    ("delegations:logistics_delete", [], ["get", "post"]),
    ("delegations:report_update", [], ["get", "post"]),
    ("delegations:visit_publish", [], ["get", "post"]),
    ("partners:task_update", [], ["get", "post"]),
    ("partners:task_delete", [], ["get", "post"]),
    ("partners:task_mark_done", [], ["post"]),
    ("partners:task_reopen", [], ["post"]),
    ("delegations:gift_update", [], ["get", "post"]),
    ("partners:contact_detail", [], ["get"]),
    ("partners:contact_update", [], ["get", "post"]),
    ("partners:contact_delete", [], ["get", "post"]),
    ("partners:office_update", [], ["get", "post"]),
    ("partners:office_delete", [], ["get", "post"]),
    ("partners:interaction_update", [], ["get", "post"]),
    ("partners:interaction_delete", [], ["get", "post"]),
    ("partners:project_detail", [], ["get"]),
    ("partners:project_update", [], ["get", "post"]),
    ("partners:project_delete", [], ["get", "post"]),
    ("partners:partnership_detail", [], ["get"]),
    ("partners:partnership_mark_dormant", [], ["get", "post"]),
]


@pytest.mark.parametrize(("name", "extra", "methods"), PATH_ROUTES)
def test_a_huge_id_in_the_path_is_not_found(staff_client, name, extra, methods):
    url = reverse(name, args=[HUGE, *extra])
    for method in methods:
        assert getattr(staff_client, method)(url).status_code == 404, (method, url)


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("delegations:visit_conflicts_check", {"visit": HUGE}),
        ("delegations:gift_create", {"visit": HUGE}),
        ("partners:office_create", {"contact": HUGE}),
        ("partners:interaction_create", {"partnership": HUGE}),
        ("partners:interaction_create", {"contact": HUGE}),
        ("partners:membership_create", {"organization": HUGE}),
        ("partners:task_create", {"kind": "visit", "object_id": HUGE}),
    ],
)
def test_a_huge_id_in_the_query_is_not_found(staff_client, name, query):
    assert staff_client.get(reverse(name), query).status_code == 404


@pytest.mark.parametrize("value", [str(HUGE), "abc", "-1", "1.5", "²"])
def test_a_malformed_or_huge_contact_to_merge_is_not_found(staff_client, value):
    contact = ContactFactory()
    url = reverse("partners:contact_merge")
    assert staff_client.get(url, {"a": contact.pk, "b": value}).status_code == 404
