"""Which partnerships are suggested as dormant: active, quiet for 12 months, and old enough."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Partnership
from tests.factories import InteractionFactory, PartnershipFactory

pytestmark = pytest.mark.django_db
HINT = "Consider marking this partnership dormant"


def _ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_an_old_quiet_active_partnership_is_a_candidate():
    quiet = PartnershipFactory(established_on=_ago(2000))
    InteractionFactory(partnership=quiet, occurred_on=_ago(500))
    assert list(Partnership.objects.dormant_candidates(12)) == [quiet]


def test_recent_contact_or_another_status_is_not():
    talked = PartnershipFactory(established_on=_ago(2000))
    InteractionFactory(partnership=talked, occurred_on=_ago(30))
    PartnershipFactory(established_on=_ago(2000), status=Partnership.Status.SUSPENDED)
    assert not Partnership.objects.dormant_candidates(12).exists()


def test_a_partnership_established_this_year_is_not_yet_out_of_touch(staff_client):
    new = PartnershipFactory(established_on=_ago(20))
    undated = PartnershipFactory(established_on=None)  # recorded today
    assert not Partnership.objects.dormant_candidates(12).exists()
    for partnership in (new, undated):
        response = staff_client.get(reverse("partners:partnership_detail", args=[partnership.pk]))
        assert HINT not in response.content.decode()
