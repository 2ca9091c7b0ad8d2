"""Who a record can be given to: ``staff_users`` (members of a role) and ``active_users``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE, active_users, staff_users
from partners.forms.projects import ProjectForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    unit, office = Group.objects.get(name=DIPLOMACY_UNIT), Group.objects.get(name=MAYORS_OFFICE)
    zoe = UserFactory(username="zoe", first_name="Zoe", last_name="Zarda")
    adam = UserFactory(username="adam", first_name="Adam", last_name="Antal")
    both = UserFactory(username="both", first_name="Bea", last_name="Both")
    gone = UserFactory(username="gone", first_name="Gina", last_name="Gone", is_active=False)
    nobody = UserFactory(username="nobody", first_name="Nora", last_name="Nobody")
    zoe.groups.add(unit)
    adam.groups.add(unit)
    both.groups.add(unit, office)
    gone.groups.add(unit)
    return {"zoe": zoe, "adam": adam, "both": both, "gone": gone, "nobody": nobody}


def test_staff_users_are_active_members_of_the_roles_by_name(people):
    p = people
    assert list(staff_users()) == [p["adam"], p["both"], p["zoe"]]
    assert list(staff_users(MAYORS_OFFICE)) == [p["both"]]
    # A member of both roles is listed once.
    assert list(staff_users(DIPLOMACY_UNIT, MAYORS_OFFICE)) == [p["adam"], p["both"], p["zoe"]]


def test_a_projects_coordinator_may_be_any_active_user(people):
    offered = ProjectForm().fields["coordinator"].queryset
    assert list(offered) == list(active_users())
    assert people["nobody"] in offered
    assert people["gone"] not in offered
