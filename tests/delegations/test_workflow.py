"""The visit workflow, walked as a table: role x state x action -> new state or error."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from cityrelations.core.transitions import TransitionError, WrongRole, WrongState
from delegations.models import Visit, VisitTransition
from delegations.workflow import (
    TRANSITIONS,
    CommentRequired,
    allowed_actions,
    visit_cancel,
    visit_complete,
    visit_confirm,
    visit_resubmit,
    visit_review,
    visit_submit,
    visit_transition,
)
from tests.delegations.factories import VisitFactory
from tests.factories import UserFactory

S = Visit.Status
# The expected workflow, written out independently of delegations.workflow.TRANSITIONS:
# (role, state, action) -> resulting state. Every combination not listed must be refused.
EXPECTED = {
    ("unit", S.DRAFT, "submit"): S.SUBMITTED,
    ("unit", S.CHANGES_REQUESTED, "resubmit"): S.SUBMITTED,
    ("mayor", S.SUBMITTED, "approve"): S.APPROVED,
    ("mayor", S.SUBMITTED, "request_changes"): S.CHANGES_REQUESTED,
    ("mayor", S.SUBMITTED, "decline"): S.DECLINED,
    ("unit", S.APPROVED, "confirm"): S.CONFIRMED,
    ("unit", S.CONFIRMED, "complete"): S.COMPLETED,
    **{
        ("unit", state, "cancel"): S.CANCELLED
        for state in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.CHANGES_REQUESTED, S.CONFIRMED)
    },
}
ROLES = ("unit", "mayor", "nobody")
ACTIONS = (
    "submit",
    "resubmit",
    "approve",
    "request_changes",
    "decline",
    "confirm",
    "complete",
    "cancel",
)


@pytest.fixture
def people(db):
    unit = UserFactory(username="unit-member")
    unit.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    mayor = UserFactory(username="mayor-office")
    mayor.groups.add(Group.objects.get(name=MAYORS_OFFICE))
    nobody = UserFactory(username="no-role")
    return {"unit": unit, "mayor": mayor, "nobody": nobody}


def test_the_table_knows_exactly_these_actions():
    assert set(TRANSITIONS) == set(ACTIONS)


@pytest.mark.django_db
def test_every_role_state_action_combination(people, django_capture_on_commit_callbacks):
    checked = 0
    for role in ROLES:
        for state in S.values:
            for action in ACTIONS:
                visit = VisitFactory(status=state)
                user = people[role]
                expected = EXPECTED.get((role, state, action))
                with django_capture_on_commit_callbacks(execute=False):
                    if expected is None:
                        with pytest.raises(TransitionError):
                            visit_transition(visit=visit, by=user, action=action, comment="why")
                        visit.refresh_from_db()
                        assert visit.status == state, (role, state, action)
                        assert not VisitTransition.objects.filter(visit=visit).exists()
                    else:
                        visit_transition(visit=visit, by=user, action=action, comment="why")
                        visit.refresh_from_db()
                        assert visit.status == expected, (role, state, action)
                        record = VisitTransition.objects.get(visit=visit)
                        assert (record.from_status, record.to_status) == (state, expected)
                        assert record.by == user and record.comment == "why"
                checked += 1
    assert checked == len(ROLES) * len(S.values) * len(ACTIONS)


@pytest.mark.django_db
def test_allowed_actions_match_the_table(people):
    for role in ROLES:
        for state in S.values:
            user = type(people[role]).objects.get(pk=people[role].pk)
            actions = {a for a, _t in allowed_actions(visit=Visit(status=state), user=user)}
            assert actions == {a for (r, s, a) in EXPECTED if r == role and s == state}


@pytest.mark.django_db
def test_wrong_role_and_wrong_state_errors_say_why(people):
    visit = VisitFactory(status=S.SUBMITTED)
    with pytest.raises(WrongRole):
        visit_review(visit=visit, by=people["unit"], decision="approve")
    with pytest.raises(WrongRole):
        visit_submit(visit=visit, by=AnonymousUser())
    with pytest.raises(WrongState, match="Submitted"):
        visit_submit(visit=VisitFactory(status=S.SUBMITTED), by=people["unit"])
    with pytest.raises(TransitionError, match="Unknown decision"):
        visit_review(visit=visit, by=people["mayor"], decision="submit")


@pytest.mark.django_db
def test_a_reason_is_required_to_decline_request_changes_or_cancel(people):
    visit = VisitFactory(status=S.SUBMITTED)
    for decision in ("decline", "request_changes"):
        with pytest.raises(CommentRequired):
            visit_review(visit=visit, by=people["mayor"], decision=decision, comment="  ")
    with pytest.raises(CommentRequired):
        visit_cancel(visit=visit, by=people["unit"], comment="")
    visit.refresh_from_db()
    assert visit.status == S.SUBMITTED


@pytest.mark.django_db
def test_the_whole_road(people, django_capture_on_commit_callbacks):
    visit = VisitFactory()
    with django_capture_on_commit_callbacks(execute=False):
        visit_submit(visit=visit, by=people["unit"])
        visit_review(visit=visit, by=people["mayor"], decision="request_changes", comment="Dates?")
        visit_resubmit(visit=visit, by=people["unit"], comment="Moved a day")
        visit_review(visit=visit, by=people["mayor"], decision="approve", comment="Fine")
        visit_confirm(visit=visit, by=people["unit"])
        visit_complete(visit=visit, by=people["unit"])
    assert visit.status == S.COMPLETED
    steps = list(visit.transitions.order_by("at", "pk").values_list("to_status", flat=True))
    assert steps == [
        S.SUBMITTED,
        S.CHANGES_REQUESTED,
        S.SUBMITTED,
        S.APPROVED,
        S.CONFIRMED,
        S.COMPLETED,
    ]


@pytest.mark.django_db
def test_a_stale_copy_cannot_decide_twice(people, django_capture_on_commit_callbacks):
    """Two reviewers loaded the same submitted visit; the second decision finds it decided."""
    visit = VisitFactory(status=S.SUBMITTED)
    first, second = Visit.objects.get(pk=visit.pk), Visit.objects.get(pk=visit.pk)
    with django_capture_on_commit_callbacks(execute=False):
        visit_review(visit=first, by=people["mayor"], decision="approve")
        with pytest.raises(WrongState, match="Approved"):
            visit_review(visit=second, by=people["mayor"], decision="decline", comment="No")
    visit.refresh_from_db()
    assert visit.status == S.APPROVED
    assert visit.transitions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_on_two_connections(people):
    """Real concurrency on PostgreSQL: both threads read "submitted", both try to decide; the
    row lock lets exactly one through."""
    visit = VisitFactory(status=S.SUBMITTED)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def decide(decision: str) -> None:
        try:
            stale = Visit.objects.get(pk=visit.pk)
            barrier.wait(timeout=10)
            visit_review(visit=stale, by=people["mayor"], decision=decision, comment="c")
            results.append("ok")
        except WrongState:
            results.append("too late")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in ("approve", "decline")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["ok", "too late"]
    visit.refresh_from_db()
    assert visit.status in (S.APPROVED, S.DECLINED)
    assert visit.transitions.count() == 1
