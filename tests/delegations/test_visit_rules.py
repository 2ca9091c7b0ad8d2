"""What a visit allows in each status: the rules the pages ask (``visit.is_editable`` …)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from delegations.models import Visit
from tests.delegations.factories import VisitFactory

S = Visit.Status
EDITABLE = {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.CONFIRMED}


@pytest.mark.parametrize("status", S.values)
def test_what_each_status_allows(status):
    visit = Visit(status=status)
    assert visit.is_editable == (status in EDITABLE)
    assert visit.can_delete == (status == S.DRAFT)
    assert visit.can_publish == (status == S.COMPLETED)
    assert Visit(status=status, is_public=True).can_publish  # a public visit can be withdrawn


@pytest.mark.django_db
def test_pages_refuse_changes_to_a_finished_visit(staff_client):
    visit = VisitFactory(status=S.COMPLETED)
    refusals = {
        "delegations:visit_update": "A visit that is completed can no longer be edited.",
        "delegations:participant_create": "A visit that is completed can no longer be changed.",
    }
    for name, text in refusals.items():
        response = staff_client.get(reverse(name, args=[visit.pk]), follow=True)
        assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
        assert [str(m) for m in get_messages(response.wsgi_request)] == [text]


@pytest.mark.django_db
def test_awaiting_review_and_the_rest_split_the_visits():
    visits = {status: VisitFactory(status=status) for status in S.values}
    assert list(Visit.objects.awaiting_review()) == [visits[S.SUBMITTED]]
    rest = set(Visit.objects.not_awaiting_review())
    assert rest == {v for status, v in visits.items() if status != S.SUBMITTED}
