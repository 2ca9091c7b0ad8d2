"""What an edition allows in each status: the rules the pages and services ask."""

from __future__ import annotations

import pytest

from newsletters.models import Edition

S = Edition.Status


@pytest.mark.parametrize("status", S.values)
def test_what_each_status_allows(status):
    edition = Edition(status=status)
    assert edition.is_editable == (status == S.DRAFT)
    assert edition.can_reopen == (status in (S.APPROVED, S.SCHEDULED))
    assert edition.sending_started == (status in (S.SENDING, S.SENT))
