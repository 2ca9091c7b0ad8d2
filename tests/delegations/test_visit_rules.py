"""What a visit allows in each status: the rules the pages ask (``visit.is_editable`` …)."""

from __future__ import annotations

import pytest

from delegations.models import Visit

S = Visit.Status
EDITABLE = {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.CONFIRMED}


@pytest.mark.parametrize("status", S.values)
def test_what_each_status_allows(status):
    visit = Visit(status=status)
    assert visit.is_editable == (status in EDITABLE)
    assert visit.can_delete == (status == S.DRAFT)
    assert visit.can_publish == (status == S.COMPLETED)
    assert Visit(status=status, is_public=True).can_publish  # a public visit can be withdrawn
