"""What an edition allows in each status: the rules the pages and services ask."""

from __future__ import annotations

import pytest

from newsletters.models import Edition

from .factories import EditionFactory

S = Edition.Status


@pytest.mark.parametrize("status", S.values)
def test_what_each_status_allows(status):
    edition = Edition(status=status)
    assert edition.is_editable == (status == S.DRAFT)
    assert edition.can_reopen == (status in (S.APPROVED, S.SCHEDULED))
    assert edition.sending_started == (status in (S.SENDING, S.SENT))


@pytest.mark.django_db
def test_only_sent_editions_are_sent(django_assert_num_queries):
    editions = {status: EditionFactory(status=status) for status in S.values}
    with django_assert_num_queries(1):
        assert list(Edition.objects.sent()) == [editions[S.SENT]]
