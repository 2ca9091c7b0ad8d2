"""Bulk actions on the partnership, agreement and contact lists (cityrelations/core/bulk.py):
confirmation first, all or nothing, history per row, permissions, the selection's export."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import slugify

from cityrelations.core.models import PersonalDataExport
from cityrelations.core.roles import DIPLOMACY_UNIT
from partners.models import Agreement, Partnership, Theme
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = Partnership.Status
BULK = reverse("partners:partnership_bulk")
LIST = reverse("partners:partnership_list")


def _theme(name: str = "Culture") -> Theme:
    return Theme.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def _post(client, url, ids, **data):
    return client.post(url, {"ids": [str(i) for i in ids], "next": f"{LIST}?status=active", **data})


def test_status_change_asks_first_then_applies_with_history(staff_client, staff_user):
    rows = [PartnershipFactory(status=Status.ACTIVE) for _ in range(3)]
    ids = [p.pk for p in rows]

    response = _post(staff_client, BULK, ids, action="status", status=Status.DORMANT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 rows will change" in html
    assert "Apply to 3 rows" in html
    assert set(Partnership.objects.values_list("status", flat=True)) == {Status.ACTIVE}

    response = _post(staff_client, BULK, ids, action="status", status=Status.DORMANT, confirm="1")
    assert response.status_code == 302
    assert response.url == f"{LIST}?status=active"
    assert set(Partnership.objects.values_list("status", flat=True)) == {Status.DORMANT}
    for p in rows:
        latest = p.history.order_by("-history_date").first()
        assert latest.status == Status.DORMANT
        assert latest.history_user == staff_user
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Change the status: 3 rows changed." in messages


def test_one_refused_row_refuses_the_whole_change(staff_client):
    active = PartnershipFactory(status=Status.ACTIVE)
    proposed = PartnershipFactory(status=Status.PROPOSED, city=CityFactory(name="Lyon"))
    history_before = proposed.history.count() + active.history.count()

    response = _post(
        staff_client,
        BULK,
        [active.pk, proposed.pk],
        action="status",
        status=Status.DORMANT,
        confirm="1",
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was changed" in html
    assert "Lyon" in html
    assert "cannot become" in html
    assert "Apply to" not in html
    active.refresh_from_db()
    proposed.refresh_from_db()
    assert (active.status, proposed.status) == (Status.ACTIVE, Status.PROPOSED)
    assert proposed.history.count() + active.history.count() == history_before


def test_the_first_look_says_nothing_will_change_not_that_nothing_was(staff_client):
    active = PartnershipFactory(status=Status.ACTIVE)
    proposed = PartnershipFactory(status=Status.PROPOSED, city=CityFactory(name="Lyon"))
    response = _post(
        staff_client, BULK, [active.pk, proposed.pk], action="status", status="dormant"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was changed" not in html
    assert "1 selected row cannot change, so nothing will be changed." in html


def test_an_invalid_value_gets_one_clear_message(staff_client):
    p = PartnershipFactory()
    response = _post(staff_client, BULK, [p.pk], action="status", status="nonsense")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Choose the new value for the selected rows from the list."]
    response = _post(staff_client, BULK, [p.pk], action="nonsense", status="active")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[1:] == ["Choose what to do with the selected rows from the list."]


def test_coordinator_and_themes(staff_client):
    group = Group.objects.get(name=DIPLOMACY_UNIT)
    coordinator = UserFactory(first_name="Anna", last_name="Kovács")
    coordinator.groups.add(group)
    culture = _theme()
    rows = [PartnershipFactory() for _ in range(2)]
    ids = [p.pk for p in rows]

    _post(staff_client, BULK, ids, action="coordinator", person=coordinator.pk, confirm="1")
    _post(staff_client, BULK, ids, action="add_theme", theme=culture.pk, confirm="1")
    for p in rows:
        p.refresh_from_db()
        assert p.coordinator == coordinator
        assert list(p.themes.all()) == [culture]
        assert p.history.count() == 3  # created, coordinator, themes

    _post(staff_client, BULK, ids[:1], action="remove_theme", theme=culture.pk, confirm="1")
    assert list(rows[0].themes.all()) == []
    assert list(rows[1].themes.all()) == [culture]


def test_a_value_is_required(staff_client):
    p = PartnershipFactory()
    response = _post(staff_client, BULK, [p.pk], action="coordinator", confirm="1")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Choose the new value for the selected rows." in messages


def test_nothing_selected_is_a_message(staff_client):
    response = staff_client.post(BULK, {"action": "status", "status": "active"})
    assert response.status_code == 302
    assert "Select at least one row first." in [str(m) for m in response.wsgi_request._messages]


def test_select_all_on_this_page(staff_client):
    rows = [PartnershipFactory(status=Status.ACTIVE) for _ in range(3)]
    response = staff_client.post(
        BULK,
        {
            "all_on_page": "1",
            "page_ids": [str(p.pk) for p in rows],
            "action": "status",
            "status": Status.SUSPENDED,
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert set(Partnership.objects.values_list("status", flat=True)) == {Status.SUSPENDED}


@pytest.mark.parametrize("action", ["status", "coordinator", "add_theme"])
def test_the_mayors_office_may_not_change(mayor_client, action):
    p = PartnershipFactory(status=Status.ACTIVE)
    response = _post(
        mayor_client,
        BULK,
        [p.pk],
        action=action,
        status=Status.DORMANT,
        theme=_theme().pk,
        confirm="1",
    )
    assert response.status_code == 403
    p.refresh_from_db()
    assert p.status == Status.ACTIVE


def test_the_mayors_office_exports_partnerships(mayor_client):
    rows = [PartnershipFactory(city=CityFactory(name=name)) for name in ("Vienna", "Kyoto", "Lyon")]
    response = _post(mayor_client, BULK, [rows[0].pk, rows[1].pk], action="export_csv")
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == ["Kyoto", "Vienna"]


def test_list_shows_checkboxes_with_labels(staff_client, mayor_client):
    PartnershipFactory(city=CityFactory(name="Vienna"))
    html = staff_client.get(LIST).content.decode()
    assert 'name="ids"' in html
    assert "Select Vienna" in html
    assert "Select all on this page" in html
    assert '<option value="status"' in html
    # The mayor's office can only export: no change actions are offered.
    html = mayor_client.get(LIST).content.decode()
    assert '<option value="export_csv"' in html
    assert '<option value="status"' not in html
    assert "New status" not in html


def test_list_query_count_stays_flat_with_the_bulk_form(staff_client, django_assert_num_queries):
    PartnershipFactory()
    with django_assert_num_queries(14) as first:
        staff_client.get(LIST)
    for _ in range(15):
        PartnershipFactory(coordinator=UserFactory())
    with django_assert_num_queries(len(first.captured_queries)):
        staff_client.get(LIST)


# --- agreements ---------------------------------------------------------------------------------


def test_agreement_status_change(staff_client):
    rows = AgreementFactory.create_batch(2, status=Agreement.Status.IN_FORCE)
    url = reverse("partners:agreement_bulk")
    data = {"ids": [a.pk for a in rows], "action": "status", "status": "expired", "confirm": "1"}
    assert staff_client.post(url, data).status_code == 302
    assert set(Agreement.objects.values_list("status", flat=True)) == {"expired"}
    assert rows[0].history.first().history_user is not None


def test_agreement_list_has_bulk_form(staff_client):
    AgreementFactory(title="Charter")
    html = staff_client.get(reverse("partners:agreement_list")).content.decode()
    assert "Select Charter" in html


# --- contacts -----------------------------------------------------------------------------------


def test_contacts_export_of_the_selection_is_logged(staff_client, staff_user):
    kept = ContactFactory(last_name="=HYPERLINK()")
    ContactFactory(last_name="Other")
    response = staff_client.post(
        reverse("partners:contact_bulk"), {"pick": [kept.pk], "action": "export_csv"}
    )
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 2
    assert table[1][2] == "'=HYPERLINK()"  # formula-escaped
    log = PersonalDataExport.objects.get()
    assert (log.kind, log.user, log.row_count) == ("contacts", staff_user, 1)
    assert log.filters == f"selection of 1: ids {kept.pk}"


def test_every_contact_of_a_large_selection_export_is_logged(staff_client):
    contacts = ContactFactory.create_batch(3)
    ids = sorted(c.pk for c in contacts)
    response = staff_client.post(
        reverse("partners:contact_bulk"),
        {"pick": [*ids, 999_999_999], "action": "export_xlsx"},
    )
    assert response.status_code == 200
    log = PersonalDataExport.objects.get()
    assert log.filters == "selection of 3: ids " + ",".join(map(str, ids))
    assert log.row_count == 3


def test_contacts_list_export_is_the_filtered_list(staff_client):
    ContactFactory(last_name="Schmidt")
    ContactFactory(last_name="Tanaka")
    response = staff_client.get(
        reverse("partners:contact_export"), {"q": "Schmidt", "format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")
    log = PersonalDataExport.objects.get()
    assert log.row_count == 1
    assert "q=Schmidt" in log.filters


def test_the_mayors_office_does_not_export_contacts(mayor_client):
    contact = ContactFactory()
    assert mayor_client.get(reverse("partners:contact_export")).status_code == 403
    response = mayor_client.post(
        reverse("partners:contact_bulk"), {"pick": [contact.pk], "action": "export_csv"}
    )
    assert response.status_code == 403
    assert not PersonalDataExport.objects.exists()
    html = mayor_client.get(reverse("partners:contact_list")).content.decode()
    assert reverse("partners:contact_export") not in html


def test_merge_button_still_goes_to_the_merge_page(staff_client):
    a, b = ContactFactory(), ContactFactory()
    response = staff_client.post(
        reverse("partners:contact_bulk"), {"pick": [a.pk, b.pk], "merge": "1"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("partners:contact_merge"))
    assert f"pick={a.pk}" in response.url and f"pick={b.pk}" in response.url


# --- projects, organisations, memberships -------------------------------------------------------


def test_project_coordinator_and_organisation_themes(staff_client, staff_user):
    from partners.models import Organization, Project
    from tests.factories import MembershipFactory, OrganizationFactory, ProjectFactory

    projects = ProjectFactory.create_batch(2)
    url = reverse("partners:project_bulk")
    data = {"ids": [p.pk for p in projects], "action": "coordinator", "person": staff_user.pk}
    assert staff_client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert set(Project.objects.values_list("coordinator", flat=True)) == {staff_user.pk}

    culture = _theme()
    organizations = OrganizationFactory.create_batch(2)
    url = reverse("partners:organization_bulk")
    data = {"ids": [o.pk for o in organizations], "action": "add_theme", "theme": culture.pk}
    assert staff_client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Organization.objects.filter(themes=culture).count() == 2

    membership = MembershipFactory()
    url = reverse("partners:membership_bulk")
    data = {"ids": [membership.pk], "action": "coordinator", "person": staff_user.pk}
    staff_client.post(url, {**data, "confirm": "1"})
    membership.refresh_from_db()
    assert membership.coordinator == staff_user
    # No export of their own, so none of the selection either.
    html = staff_client.get(reverse("partners:project_list")).content.decode()
    assert '<option value="coordinator"' in html
    assert '<option value="export_csv"' not in html


def test_nul_bytes_and_huge_values_in_a_bulk_post_get_a_message(staff_client):
    p = PartnershipFactory()
    for data in (
        {"action": "coordinator", "coordinator": "1\x00"},
        {"action": "status\x00", "status": "active"},
        {"action": "status", "status": "active\x00"},
        {"action": "status", "status": "a" * 100_000},
    ):
        response = _post(staff_client, BULK, [p.pk], **data)
        assert response.status_code == 302, data
    response = staff_client.post(BULK, {"ids": ["1\x00", "9" * 5000], "action": "status"})
    assert response.status_code == 302
    assert Partnership.objects.get().history.count() == 1
