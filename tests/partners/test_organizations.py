"""Organisations and memberships: pages per role, filters, forms, constraints, fee paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cityrelations.core.roles import DIPLOMACY_UNIT
from partners.memberships import one_year_later
from partners.models import Membership, Organization, Theme
from tests.editing import with_version

from ..factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _org_urls(org: Organization) -> dict[str, str]:
    return {
        "list": reverse("partners:organization_list"),
        "detail": reverse("partners:organization_detail", args=[org.pk]),
        "create": reverse("partners:organization_create"),
        "update": reverse("partners:organization_update", args=[org.pk]),
        "delete": reverse("partners:organization_delete", args=[org.pk]),
    }


# --- access per role ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(anonymous_client):
    org = OrganizationFactory()
    membership = MembershipFactory(organization=org, fee_due_on=TODAY)
    urls = [
        *_org_urls(org).values(),
        reverse("partners:membership_list"),
        reverse("partners:membership_create"),
        reverse("partners:membership_update", args=[membership.pk]),
        reverse("partners:membership_delete", args=[membership.pk]),
    ]
    for url in urls:
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = anonymous_client.post(reverse("partners:membership_fee_paid", args=[membership.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_mayor_reads_but_cannot_edit(mayor_client):
    org = OrganizationFactory()
    membership = MembershipFactory(organization=org, fee_due_on=TODAY)
    urls = _org_urls(org)
    for key in ("list", "detail"):
        assert mayor_client.get(urls[key]).status_code == 200
    assert mayor_client.get(reverse("partners:membership_list")).status_code == 200
    for key in ("create", "update", "delete"):
        assert mayor_client.get(urls[key]).status_code == 403
        assert mayor_client.post(urls[key], {"name": "x", "kind": "ngo"}).status_code == 403
    for url in (
        reverse("partners:membership_create"),
        reverse("partners:membership_update", args=[membership.pk]),
        reverse("partners:membership_delete", args=[membership.pk]),
    ):
        assert mayor_client.get(url).status_code == 403
    fee_paid = reverse("partners:membership_fee_paid", args=[membership.pk])
    assert mayor_client.post(fee_paid).status_code == 403
    membership.refresh_from_db()
    assert membership.fee_due_on == TODAY
    assert Organization.objects.filter(pk=org.pk).exists()


def test_mayor_sees_no_edit_buttons(mayor_client):
    org = OrganizationFactory()
    MembershipFactory(organization=org, fee_due_on=TODAY)
    content = mayor_client.get(reverse("partners:organization_detail", args=[org.pk])).content
    assert reverse("partners:organization_update", args=[org.pk]).encode() not in content
    assert b"Mark fee paid" not in content
    assert b"Add membership" not in content


def test_staff_sees_every_page(staff_client):
    org = OrganizationFactory()
    membership = MembershipFactory(organization=org)
    for url in (
        *_org_urls(org).values(),
        reverse("partners:membership_list"),
        reverse("partners:membership_create") + f"?organization={org.pk}",
        reverse("partners:membership_update", args=[membership.pk]),
        reverse("partners:membership_delete", args=[membership.pk]),
    ):
        assert staff_client.get(url).status_code == 200, url


def test_missing_objects_are_404(staff_client):
    assert (
        staff_client.get(reverse("partners:organization_detail", args=[999999])).status_code == 404
    )
    assert staff_client.get(reverse("partners:membership_update", args=[999999])).status_code == 404
    create = reverse("partners:membership_create")
    assert staff_client.get(create + "?organization=999999").status_code == 404
    assert staff_client.get(create + "?organization=abc").status_code == 404


# --- list: filters, search, sort, pagination --------------------------------------------------


def test_list_filters_search_and_sort(staff_client):
    theme = Theme.objects.get(slug="environment")
    green = OrganizationFactory(name="Zeta Green Cities", kind="network", country="DE")
    green.themes.add(theme)
    OrganizationFactory(name="Alpha Embassy", kind="embassy", country="FR")
    url = reverse("partners:organization_list")

    names = lambda r: [o.name for o in r.context["organizations"]]  # noqa: E731
    assert names(staff_client.get(url, {"kind": "embassy"})) == ["Alpha Embassy"]
    assert names(staff_client.get(url, {"country": "DE"})) == ["Zeta Green Cities"]
    assert names(staff_client.get(url, {"theme": theme.pk})) == ["Zeta Green Cities"]
    assert names(staff_client.get(url, {"q": "green zeta"})) == ["Zeta Green Cities"]
    by_name = names(staff_client.get(url, {"sort": "name"}))
    assert by_name == sorted(by_name)
    recent = names(staff_client.get(url, {"sort": "-created"}))
    assert recent[0] == "Alpha Embassy"


def test_seeded_organisations_are_listed(staff_client):
    response = staff_client.get(reverse("partners:organization_list"))
    assert response.context["page"].paginator.count >= 10
    assert b"Eurocities" in response.content


def test_list_survives_malformed_query(staff_client):
    url = reverse("partners:organization_list")
    for params in (
        {"page": "abc"},
        {"page": "99999"},
        {"kind": "nonsense"},
        {"theme": "x"},
        {"country": "ZZ"},
        {"sort": "password"},
    ):
        assert staff_client.get(url, params).status_code == 200, params


def test_list_paginates(staff_client):
    OrganizationFactory.create_batch(30)
    response = staff_client.get(reverse("partners:organization_list"), {"page": 2})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    total = Organization.objects.count()
    assert total > 25
    assert len(response.context["organizations"]) == total - 25


def test_empty_state(staff_client):
    response = staff_client.get(reverse("partners:organization_list"), {"q": "nothing-like-this"})
    assert b"No organisation matches these filters." in response.content


def _make_rich_organizations(count: int) -> None:
    themes = list(Theme.objects.all()[:2])
    for _ in range(count):
        org = OrganizationFactory(country="AT")
        org.themes.add(*themes)
        MembershipFactory(organization=org)


@pytest.mark.parametrize("count", [1, 10])
def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries, count):
    _make_rich_organizations(count)
    # session, user, 2x permissions, 2x group names (role check, navbar), used countries,
    # theme choices, organisations (count, rows, their themes), the user's saved views, the bulk
    # form's theme choices
    with django_assert_num_queries(12):
        response = staff_client.get(reverse("partners:organization_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_detail_query_count_does_not_grow(staff_client, django_assert_num_queries, count):
    org = OrganizationFactory()
    for index in range(count):
        MembershipFactory(
            organization=org,
            since=dt.date(2000 + index, 1, 1),
            until=dt.date(2000 + index, 12, 31),
            focal_point=ContactFactory(organization=org),
        )
        AgreementFactory().organizations.add(org)
        ProjectFactory(starts_on=dt.date(2020, 1, 1)).organizations.add(org)
        InteractionFactory(organization=org)
    # the page (12) and the hub's panels (19: see tests/partners/test_hubs.py)
    with django_assert_num_queries(32):
        response = staff_client.get(reverse("partners:organization_detail", args=[org.pk]))
    assert response.status_code == 200


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_memberships_people_agreements_timeline(staff_client):
    org = OrganizationFactory(name="Eurocities Test")
    contact = ContactFactory(organization=org, last_name="Kovacs")
    MembershipFactory(organization=org, role="board", focal_point=contact, fee_due_on=TODAY)
    MembershipFactory(
        organization=org, role="observer", since=dt.date(2010, 1, 1), until=dt.date(2012, 1, 1)
    )
    agreement = AgreementFactory(title="Climate pact", signed_on=dt.date(2023, 5, 2))
    agreement.organizations.add(org)
    InteractionFactory(organization=org, subject="Annual general meeting")
    response = staff_client.get(reverse("partners:organization_detail", args=[org.pk]))
    content = response.content.decode()
    assert [m.role for m in response.context["current_memberships"]] == ["board"]
    (memberships,) = [p for p in response.context["panels"] if p.key == "memberships"]
    assert [m.role for m in memberships.context["memberships"]] == ["board", "observer"]
    assert "Kovacs" in content
    assert "Climate pact" in content
    titles = [entry["title"] for entry in response.context["timeline"]]
    assert "Annual general meeting" in titles
    assert "Climate pact" in titles
    dates = [entry["date"] for entry in response.context["timeline"]]
    assert dates == sorted(dates, reverse=True)
    assert reverse("partners:interaction_create") + f"?organization={org.pk}" in content
    assert reverse("partners:membership_create") + f"?organization={org.pk}" in content
    assert "Mark fee paid" in content


def test_detail_history_tab_records_changes(staff_client):
    org = OrganizationFactory(name="Old name")
    staff_client.post(
        reverse("partners:organization_update", args=[org.pk]),
        with_version({"name": "New name", "kind": "ngo"}, org),
    )
    response = staff_client.get(reverse("partners:organization_detail", args=[org.pk]))
    assert response.context["history"][0]["type"] == "changed"
    assert response.context["history"][0]["user"].username == "staff"


# --- create, edit, delete ---------------------------------------------------------------------


def test_create_organisation(staff_client):
    response = staff_client.post(
        reverse("partners:organization_create"),
        {"name": "Urban Futures", "acronym": "UF", "kind": "ngo", "country": "HU"},
        follow=True,
    )
    org = Organization.objects.get(name="Urban Futures")
    assert response.redirect_chain[-1][0] == org.get_absolute_url()
    assert "added" in response.content.decode()


def test_create_organisation_invalid_shows_errors(staff_client):
    OrganizationFactory(name="Taken")
    response = staff_client.post(
        reverse("partners:organization_create"), {"name": "Taken", "kind": "bogus"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert "kind" in response.context["form"].errors
    assert Organization.objects.filter(name="Taken").count() == 1


def test_delete_organisation(staff_client):
    org = OrganizationFactory()
    InteractionFactory(organization=org)
    page = staff_client.get(reverse("partners:organization_delete", args=[org.pk]))
    assert b"interaction" in page.content
    response = staff_client.post(reverse("partners:organization_delete", args=[org.pk]))
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=org.pk).exists()


def test_delete_protected_organisation_gives_message(staff_client):
    org = OrganizationFactory()
    MembershipFactory(organization=org)
    response = staff_client.post(
        reverse("partners:organization_delete", args=[org.pk]), follow=True
    )
    assert Organization.objects.filter(pk=org.pk).exists()
    assert "cannot be deleted" in response.content.decode()


# --- memberships ------------------------------------------------------------------------------


def _membership_data(**overrides: object) -> dict[str, object]:
    data = {
        "role": "member",
        "since": "2021-01-01",
        "until": "",
        "annual_fee": "1200.00",
        "fee_currency": "EUR",
        "fee_due_on": "2026-03-01",
        "working_groups": "Mobility",
        "commitments": "",
        "next_report_due_on": "",
        "reporting_notes": "",
    }
    data.update(overrides)
    return data


def test_create_membership_from_organisation_page(staff_client, staff_user):
    org = OrganizationFactory()
    contact = ContactFactory(organization=org)
    url = reverse("partners:membership_create") + f"?organization={org.pk}"
    form = staff_client.get(url).context["form"]
    assert form.fields["organization"].disabled
    assert list(form.fields["focal_point"].queryset) == [contact]
    response = staff_client.post(
        url, _membership_data(focal_point=contact.pk, coordinator=staff_user.pk)
    )
    assert response.status_code == 302
    membership = Membership.objects.get(organization=org)
    assert membership.focal_point == contact
    assert membership.coordinator == staff_user
    assert membership.annual_fee == Decimal("1200.00")


def test_coordinator_must_be_in_the_diplomacy_unit(staff_client, mayor_user):
    org = OrganizationFactory()
    url = reverse("partners:membership_create") + f"?organization={org.pk}"
    response = staff_client.post(url, _membership_data(coordinator=mayor_user.pk))
    assert response.status_code == 200
    assert "coordinator" in response.context["form"].errors
    assert not Membership.objects.exists()


def test_second_open_membership_is_a_form_error(staff_client):
    org = OrganizationFactory()
    MembershipFactory(organization=org, until=None)
    url = reverse("partners:membership_create") + f"?organization={org.pk}"
    response = staff_client.post(url, _membership_data())
    assert response.status_code == 200
    assert "already has an open membership" in response.context["form"].errors["until"][0]
    assert Membership.objects.filter(organization=org).count() == 1
    # A closed, earlier membership is fine.
    response = staff_client.post(url, _membership_data(since="2001-01-01", until="2005-01-01"))
    assert response.status_code == 302
    assert Membership.objects.filter(organization=org).count() == 2


def test_until_before_since_is_a_form_error(staff_client):
    org = OrganizationFactory()
    url = reverse("partners:membership_create") + f"?organization={org.pk}"
    response = staff_client.post(url, _membership_data(since="2022-01-01", until="2021-01-01"))
    assert response.status_code == 200
    assert "cannot be before" in response.context["form"].errors["until"][0]
    assert not Membership.objects.exists()


def test_update_membership_keeps_its_own_open_slot(staff_client):
    membership = MembershipFactory(until=None, role="member")
    url = reverse("partners:membership_update", args=[membership.pk])
    assert "organization" not in staff_client.get(url).context["form"].fields
    response = staff_client.post(url, with_version(_membership_data(role="board"), membership))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "board"


def test_delete_membership(staff_client):
    membership = MembershipFactory()
    response = staff_client.post(reverse("partners:membership_delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_one_year_later_handles_leap_day():
    assert one_year_later(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert one_year_later(dt.date(2025, 6, 30)) == dt.date(2026, 6, 30)


def test_membership_list_current_by_default_fees_due_first(staff_client):
    later = MembershipFactory(role="later", fee_due_on=TODAY + dt.timedelta(days=200))
    soon = MembershipFactory(role="soon", fee_due_on=TODAY + dt.timedelta(days=10))
    none = MembershipFactory(role="none", fee_due_on=None)
    MembershipFactory(role="past", since=dt.date(2000, 1, 1), until=dt.date(2001, 1, 1))
    url = reverse("partners:membership_list")
    roles = lambda r: [m.role for m in r.context["memberships"]]  # noqa: E731
    assert roles(staff_client.get(url)) == [soon.role, later.role, none.role]
    assert roles(staff_client.get(url, {"show": "past"})) == ["past"]
    assert roles(staff_client.get(url, {"fee_due_within": "30"})) == ["soon"]
    assert staff_client.get(url, {"fee_due_within": "999999999"}).status_code == 200
    assert staff_client.get(url, {"fee_due_within": "-3"}).status_code == 200


def test_membership_list_report_due_and_coordinator_filters(staff_client, staff_user):
    MembershipFactory(role="reporting", next_report_due_on=TODAY + dt.timedelta(days=5))
    MembershipFactory(role="coordinated", coordinator=staff_user)
    other = UserFactory(username="other")
    other.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    url = reverse("partners:membership_list")
    roles = lambda r: [m.role for m in r.context["memberships"]]  # noqa: E731
    assert roles(staff_client.get(url, {"report_due_within": "30"})) == ["reporting"]
    assert roles(staff_client.get(url, {"coordinator": staff_user.pk})) == ["coordinated"]
    assert roles(staff_client.get(url, {"coordinator": other.pk})) == []


@pytest.mark.parametrize("count", [1, 10])
def test_membership_list_query_count_does_not_grow(
    staff_client, staff_user, django_assert_num_queries, count
):
    for _ in range(count):
        MembershipFactory(fee_due_on=TODAY, coordinator=staff_user, focal_point=ContactFactory())
    # session, user, 2x permissions, 2x group names, coordinator choices,
    # memberships (count, rows), fees due and reports due counts, the fee totals (by currency)
    # and the user's saved views, the bulk form's staff users
    with django_assert_num_queries(13):
        response = staff_client.get(reverse("partners:membership_list"))
    assert response.status_code == 200


def test_forms_render_only_the_chosen_city_organisation_and_contact(staff_client):
    seat, other_city = CityFactory(name="Brussels"), CityFactory(name="Lisbon")
    org = OrganizationFactory(name="Seated Network", city=seat)
    OrganizationFactory(name="Unrendered Network")
    ContactFactory(last_name="Outsider")
    edit = staff_client.get(reverse("partners:organization_update", args=[org.pk]))
    body = edit.content.decode()
    assert f'name="city" value="{seat.pk}" id="id_city_chosen_1" checked' in body
    assert other_city.name not in body
    create = staff_client.get(reverse("partners:membership_create")).content.decode()
    assert "Unrendered Network" not in create and "Outsider" not in create
    assert "kind=contact" in create and "kind=organization" in create


def test_membership_accepts_an_organisation_and_focal_point_that_were_not_rendered(
    staff_client, staff_user
):
    org = OrganizationFactory(name="Far Network")
    contact = ContactFactory(last_name="Faraway")
    data = _membership_data(organization=org.pk, focal_point=contact.pk, coordinator=staff_user.pk)
    assert staff_client.post(reverse("partners:membership_create"), data).status_code == 302
    membership = Membership.objects.get(organization=org)
    assert membership.focal_point == contact
