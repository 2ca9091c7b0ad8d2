"""The partnership lifecycle, walked as a table: role x status x status -> moved or refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from cityrelations.core.transitions import TransitionError, WrongRole, WrongState
from partners.lifecycle import partnership_transition
from partners.models import Partnership
from partners.models.partnerships import LIFECYCLE
from tests.editing import edit_form_data
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

S = Partnership.Status
# The expected lifecycle, written out independently of partners.models.partnerships.LIFECYCLE:
# every (from, to) listed is a move the diplomacy unit may make; every other one is refused.
ALLOWED = {
    (S.PROPOSED, S.UNDER_REVIEW),
    (S.PROPOSED, S.ACTIVE),
    (S.PROPOSED, S.ENDED),
    (S.UNDER_REVIEW, S.PROPOSED),
    (S.UNDER_REVIEW, S.ACTIVE),
    (S.UNDER_REVIEW, S.ENDED),
    (S.ACTIVE, S.DORMANT),
    (S.ACTIVE, S.SUSPENDED),
    (S.ACTIVE, S.ENDED),
    (S.DORMANT, S.ACTIVE),
    (S.DORMANT, S.SUSPENDED),
    (S.DORMANT, S.ENDED),
    (S.SUSPENDED, S.ACTIVE),
    (S.SUSPENDED, S.ENDED),
}
EVERY_MOVE = list(itertools.product(S.values, S.values))


def _partnership(status: str) -> Partnership:
    ended_on = dt.date(2020, 1, 1) if status == S.ENDED else None
    return PartnershipFactory(status=status, ended_on=ended_on)


def test_the_table_is_the_expected_one():
    table = {(source, to) for to, step in LIFECYCLE.items() for source in step.sources}
    assert table == ALLOWED
    assert all(step.permission == "partners.change_partnership" for step in LIFECYCLE.values())


@pytest.mark.parametrize(("source", "to"), sorted(ALLOWED))
def test_every_allowed_move(staff_user, source, to):
    partnership = _partnership(source)
    assert partnership.can_become(to)

    moved = partnership_transition(partnership=partnership, to=to, by=staff_user)

    assert moved.status == to
    saved = Partnership.objects.get(pk=partnership.pk)
    assert (saved.status, saved.version) == (to, 2)
    record = saved.history.order_by("-history_date").first()
    assert (record.status, record.history_user) == (to, staff_user)


@pytest.mark.parametrize(("source", "to"), [m for m in EVERY_MOVE if m not in ALLOWED])
def test_every_other_move_is_refused(staff_user, source, to):
    partnership = _partnership(source)
    assert not partnership.can_become(to)

    with pytest.raises(WrongState) as refused:
        partnership_transition(partnership=partnership, to=to, by=staff_user)

    assert refused.value.message == (
        f"A partnership that is “{S(source).label}” cannot become “{S(to).label}”."
    )
    saved = Partnership.objects.get(pk=partnership.pk)
    assert (saved.status, saved.version, saved.history.count()) == (source, 1, 1)


@pytest.mark.parametrize("who", ["mayor", "anonymous"])
def test_only_the_diplomacy_unit_moves_a_partnership(mayor_user, who):
    user = mayor_user if who == "mayor" else AnonymousUser()
    partnership = _partnership(S.ACTIVE)
    with pytest.raises(WrongRole, match="not allowed to change the status"):
        partnership_transition(partnership=partnership, to=S.DORMANT, by=user)
    assert Partnership.objects.get(pk=partnership.pk).status == S.ACTIVE


def test_an_unknown_status_is_refused(staff_user):
    with pytest.raises(WrongState, match="is not a partnership status"):
        partnership_transition(partnership=_partnership(S.ACTIVE), to="merged", by=staff_user)


def test_the_status_is_read_again_under_the_lock(staff_user):
    """A page opened before a colleague ended the partnership cannot make it dormant."""
    partnership = _partnership(S.ACTIVE)
    Partnership.objects.filter(pk=partnership.pk).update(
        status=S.ENDED, ended_on=dt.date(2024, 1, 1)
    )
    with pytest.raises(WrongState):
        partnership_transition(partnership=partnership, to=S.DORMANT, by=staff_user)
    assert Partnership.objects.get(pk=partnership.pk).status == S.ENDED


def test_ending_gives_an_end_date(staff_user):
    partnership = _partnership(S.ACTIVE)
    partnership_transition(partnership=partnership, to=S.ENDED, by=staff_user)
    assert partnership.ended_on == timezone.localdate()
    assert Partnership.objects.get(pk=partnership.pk).ended_on == timezone.localdate()

    later = PartnershipFactory(
        status=S.PROPOSED, established_on=timezone.localdate() + dt.timedelta(days=30)
    )
    partnership_transition(partnership=later, to=S.ENDED, by=staff_user)
    assert later.ended_on == later.established_on


def test_the_error_is_a_translated_message(staff_user):
    partnership = _partnership(S.ENDED)
    with pytest.raises(TransitionError) as refused, translation.override("hu"):
        partnership_transition(partnership=partnership, to=S.ACTIVE, by=staff_user)
    assert refused.value.message == "„Megszűnt” állapotú partnerség nem kerülhet „Aktív” állapotba."


# --- Through the views --------------------------------------------------------------------------


def test_mark_dormant_goes_through_the_lifecycle(staff_client, staff_user):
    partnership = _partnership(S.ACTIVE)
    url = reverse("partners:partnership_mark_dormant", args=[partnership.pk])
    response = staff_client.post(url, follow=True)
    assert "is now dormant" in response.content.decode()
    saved = Partnership.objects.get(pk=partnership.pk)
    assert saved.status == S.DORMANT
    assert saved.history.order_by("-history_date").first().history_user == staff_user


@pytest.mark.parametrize("status", [S.PROPOSED, S.UNDER_REVIEW, S.SUSPENDED, S.ENDED])
def test_mark_dormant_refuses_what_the_table_refuses(staff_client, status):
    partnership = _partnership(status)
    url = reverse("partners:partnership_mark_dormant", args=[partnership.pk])
    for response in (staff_client.get(url, follow=True), staff_client.post(url, follow=True)):
        assert "Only an active partnership can be marked dormant." in response.content.decode()
    assert Partnership.objects.get(pk=partnership.pk).status == status


def test_mark_dormant_is_not_for_the_mayors_office(mayor_client):
    partnership = _partnership(S.ACTIVE)
    url = reverse("partners:partnership_mark_dormant", args=[partnership.pk])
    assert mayor_client.post(url).status_code == 403
    assert Partnership.objects.get(pk=partnership.pk).status == S.ACTIVE


def _edit(client, partnership: Partnership, **changes):
    url = reverse("partners:partnership_update", args=[partnership.pk])
    data = edit_form_data(client.get(url).content)
    return client.post(url, {**data, **changes})


@pytest.mark.parametrize(
    ("source", "to", "changes"),
    [
        (S.ACTIVE, S.SUSPENDED, {}),
        (S.PROPOSED, S.UNDER_REVIEW, {}),
        (S.DORMANT, S.ACTIVE, {}),
        (S.ACTIVE, S.ENDED, {"ended_on": "2024-06-30"}),
    ],
)
def test_the_edit_form_moves_along_the_lifecycle(staff_client, source, to, changes):
    partnership = _partnership(source)
    response = _edit(staff_client, partnership, status=to, **changes)
    assert response.status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).status == to


@pytest.mark.parametrize(
    ("source", "to", "changes"),
    [
        (S.ENDED, S.ACTIVE, {"ended_on": ""}),
        (S.DORMANT, S.PROPOSED, {}),
        (S.ACTIVE, S.UNDER_REVIEW, {}),
    ],
)
def test_the_edit_form_refuses_a_move_off_the_lifecycle(staff_client, source, to, changes):
    partnership = _partnership(source)
    response = _edit(staff_client, partnership, status=to, **changes)
    assert response.status_code == 200
    message = f"A partnership that is “{S(source).label}” cannot become “{S(to).label}”."
    assert response.context["form"].errors["status"] == [message]
    assert Partnership.objects.get(pk=partnership.pk).status == source


@pytest.mark.parametrize("status", S.values)
def test_every_status_but_ended_is_open(status):
    assert Partnership(status=status).is_open == (status != S.ENDED)
