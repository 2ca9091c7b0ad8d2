"""The hub pages of a partnership, an organisation and a contact: every panel's rows, the
"add" actions prefilled and shown only with the permission to add, "Show all" opening the same
rows, and query counts that stay flat when the data grows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cityrelations.core import panels
from cityrelations.core.panels import Panel, register
from delegations.models import Gift
from tests.delegations.factories import ParticipantFactory, VisitFactory
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
)
from tests.hub_data import partnership_hub

pytestmark = pytest.mark.django_db


def _panel(html: str, key: str) -> str:
    """The HTML of one card (its <section id="panel-KEY">)."""
    match = re.search(rf'<section[^>]*id="panel-{key}".*?</section>', html, re.S)
    assert match, f"no panel {key}"
    return match.group(0)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- partnership ----------------------------------------------------------------------------


def test_partnership_hub_gathers_every_panel(staff_client):
    hub = partnership_hub()
    html = _get(staff_client, hub.partnership.get_absolute_url())
    agreements = _panel(html, "agreements")
    assert hub.expired_agreement in agreements and hub.expiring_agreement in agreements
    assert "Mayor of Vienna" in _panel(html, "people") and "Ludwig" in _panel(html, "people")
    visits = _panel(html, "visits")
    assert hub.coming_visit.replace("'", "&#x27;") in visits and hub.past_visit in visits
    assert visits.index("Coming") < visits.index("Mayor&#x27;s visit") < visits.index("Past")
    assert hub.project in _panel(html, "projects")
    assert hub.network in _panel(html, "networks")
    assert hub.gift in _panel(html, "gifts")
    assert hub.newsletter_item in _panel(html, "newsletters")
    assert "Call with the mayor&#x27;s office" in _panel(html, "interactions")
    assert 'id="pane-timeline"' in html and 'id="pane-history"' in html


def test_agreements_are_marked_expired_and_expiring_soonest_first(staff_client):
    hub = partnership_hub()
    agreements = _panel(_get(staff_client, hub.partnership.get_absolute_url()), "agreements")
    assert agreements.index(hub.expired_agreement) < agreements.index(hub.expiring_agreement)
    assert "Expired</span>" in agreements and "Expiring soon</span>" in agreements
    assert 'class="mb-2 agreement-expired"' in agreements


def test_add_actions_are_prefilled_for_the_unit(staff_client):
    hub = partnership_hub()
    p = hub.partnership
    html = _get(staff_client, p.get_absolute_url())
    for key, url in [
        ("agreements", reverse("partners:agreement_create") + f"?partnership={p.pk}"),
        ("people", reverse("partners:contact_create") + f"?city={p.city_id}"),
        ("projects", reverse("partners:project_create") + f"?partnership={p.pk}"),
        ("visits", reverse("delegations:visit_create") + f"?partnership={p.pk}"),
        ("interactions", reverse("partners:interaction_create") + f"?partnership={p.pk}"),
    ]:
        assert f'href="{url}"' in _panel(html, key), key


def test_the_mayors_office_reads_every_panel_without_add_actions(mayor_client):
    hub = partnership_hub()
    html = _get(mayor_client, hub.partnership.get_absolute_url())
    for key in ("agreements", "people", "visits", "projects", "gifts", "newsletters"):
        assert "btn-outline-primary" not in _panel(html, key), key
    assert hub.gift in _panel(html, "gifts")
    assert "subscriber" not in html.lower()


def test_show_all_opens_the_same_rows(staff_client):
    hub = partnership_hub(extra=6)
    p = hub.partnership
    html = _get(staff_client, p.get_absolute_url())
    assert "Show all (8)" in _panel(html, "agreements")
    agreements = _get(staff_client, reverse("partners:agreement_list") + f"?partnership={p.pk}")
    assert hub.expired_agreement in agreements and "Charter x5" in agreements
    assert "Show all (8)" in _panel(html, "visits")
    visits = _get(staff_client, reverse("delegations:visit_list") + f"?partnership={p.pk}")
    assert "Study trip to Vienna" in visits and "Visit x5" in visits
    gifts = _get(staff_client, reverse("delegations:gift_list") + f"?partnership={p.pk}")
    assert hub.gift in gifts and "Vase x5" in gifts
    projects = _get(staff_client, reverse("partners:project_list") + f"?partnership={p.pk}")
    assert "Project x5" in projects and "Project x" in projects


def test_a_registered_panel_is_shown(staff_client, monkeypatch):
    """What another app registers (tasks: "open tasks") appears on the hub, in its order."""
    monkeypatch.setattr(panels, "_registry", {k: dict(v) for k, v in panels._registry.items()})

    def context(request, record):
        return {"count": 1, "empty_text": ""}

    register(
        "partnership",
        Panel(key="probe", title="Probe", template="cityrelations/_panel.html", context=context),
    )
    hub = partnership_hub()
    html = _get(staff_client, hub.partnership.get_absolute_url())
    assert 'id="h-panel-probe"' in html


@pytest.mark.parametrize("extra", [0, 12])
def test_partnership_hub_queries_stay_flat(staff_client, django_assert_num_queries, extra):
    hub = partnership_hub(extra=extra)
    with django_assert_num_queries(PARTNERSHIP_QUERIES):
        staff_client.get(hub.partnership.get_absolute_url())


# --- prefilled forms ----------------------------------------------------------------------------


def test_create_forms_take_the_record_from_the_query(staff_client):
    p = PartnershipFactory()
    org = OrganizationFactory()
    contact = ContactFactory()

    def initial(url: str, field: str):
        return staff_client.get(url).context["form"].initial.get(field)

    assert initial(reverse("partners:project_create") + f"?partnership={p.pk}", "partnerships") == [
        p
    ]
    assert initial(
        reverse("partners:project_create") + f"?organization={org.pk}", "organizations"
    ) == [org]
    assert initial(reverse("partners:contact_create") + f"?city={p.city_id}", "city") == p.city
    assert (
        initial(reverse("partners:contact_create") + f"?organization={org.pk}", "organization")
        == org
    )
    visit_url = reverse("delegations:visit_create")
    assert initial(f"{visit_url}?partnership={p.pk}", "partnership") == p
    assert initial(f"{visit_url}?partnership={p.pk}", "cities") == [p.city]
    assert initial(f"{visit_url}?organization={org.pk}", "organizations") == [org]
    assert initial(f"{visit_url}?head_of_delegation={contact.pk}", "head_of_delegation") == contact
    gift_url = reverse("delegations:gift_create") + f"?contact={contact.pk}"
    assert initial(gift_url, "counterpart_contact") == contact


@pytest.mark.parametrize("raw", ["abc", "99999999", "²", "9" * 40, ""])
def test_a_bad_id_in_the_query_opens_an_empty_form(staff_client, raw):
    for route, name in [
        ("partners:project_create", "partnership"),
        ("partners:contact_create", "city"),
        ("delegations:visit_create", "partnership"),
        ("delegations:gift_create", "contact"),
    ]:
        response = staff_client.get(reverse(route) + f"?{name}={raw}")
        assert response.status_code == 200, (route, raw)


# --- organisation ---------------------------------------------------------------------------


def _organization(extra: int):
    org = OrganizationFactory(name="Eurocities Test")
    MembershipFactory(organization=org, role="board", fee_due_on=dt.date(2030, 1, 1))
    for n in range(extra + 1):
        contact = ContactFactory(organization=org, last_name=f"Kovacs{n}")
        AgreementFactory(title=f"Climate pact {n}").organizations.add(org)
        ProjectFactory(title=f"Shared project {n}").organizations.add(org)
        InteractionFactory(organization=org, subject=f"General meeting {n}").contacts.add(contact)
        VisitFactory(title=f"Network visit {n}").organizations.add(org)
        OpportunityFactory(title=f"Battery plant {n}", organization=org)
    return org


def test_organization_hub_gathers_its_panels(staff_client):
    org = _organization(0)
    html = _get(staff_client, org.get_absolute_url())
    assert "board" in _panel(html, "memberships")
    assert "Climate pact 0" in _panel(html, "agreements")
    assert "Kovacs0" in _panel(html, "people")
    assert "Shared project 0" in _panel(html, "projects")
    assert "Network visit 0" in _panel(html, "visits")
    assert "General meeting 0" in _panel(html, "interactions")
    assert "Battery plant 0" in _panel(html, "opportunities")
    assert f"{reverse('partners:opportunity_create')}?organization={org.pk}" in html
    assert f'href="{reverse("delegations:visit_create")}?organization={org.pk}"' in html


@pytest.mark.parametrize("extra", [0, 12])
def test_organization_hub_queries_stay_flat(staff_client, django_assert_num_queries, extra):
    org = _organization(extra)
    with django_assert_num_queries(ORGANIZATION_QUERIES):
        staff_client.get(org.get_absolute_url())


# --- contact --------------------------------------------------------------------------------


def _contact(extra: int):
    contact = ContactFactory(last_name="Ludwig", city=CityFactory(name="Vienna"))
    for n in range(extra + 1):
        contact.offices.create(title=f"Mayor {n}", city=contact.city)
        InteractionFactory(subject=f"Phone call {n}").contacts.add(contact)
        ParticipantFactory(visit=VisitFactory(title=f"Delegation trip {n}"), contact=contact)
        Gift.objects.create(
            direction=Gift.Direction.RECEIVED,
            description=f"Book {n}",
            date=dt.date(2024, 1, 1),
            counterpart="Mayor",
            counterpart_contact=contact,
        )
    return contact


def test_contact_hub_gathers_its_panels(staff_client):
    contact = _contact(0)
    html = _get(staff_client, contact.get_absolute_url())
    assert "Mayor 0" in _panel(html, "offices")
    assert "Phone call 0" in _panel(html, "interactions")
    assert "Delegation trip 0" in _panel(html, "visits")
    assert "Book 0" in _panel(html, "gifts")
    gift_add = reverse("delegations:gift_create") + f"?contact={contact.pk}"
    assert f'href="{gift_add}"' in _panel(html, "gifts")
    listed = _get(staff_client, reverse("delegations:visit_list") + f"?contact={contact.pk}")
    assert "Delegation trip 0" in listed


@pytest.mark.parametrize("extra", [0, 12])
def test_contact_hub_queries_stay_flat(staff_client, django_assert_num_queries, extra):
    contact = _contact(extra)
    with django_assert_num_queries(CONTACT_QUERIES):
        staff_client.get(contact.get_absolute_url())


# session, user, permissions (2), the layout's groups (2), the page's own (partnership,
# interactions, agreements and projects for the timeline, themes, SDGs, dormant check,
# history), then the panels: agreements 2, people 4, interactions 2, visits 3, projects 2,
# networks 2, gifts 2, newsletters 4, open tasks 1.
PARTNERSHIP_QUERIES = 35
# ... organisation, memberships, agreements, projects, interactions (timeline), themes,
# history; panels: memberships 3, agreements 2, people 4, visits 3, interactions 2, projects 2,
# open tasks 1, business opportunities 2.
ORGANIZATION_QUERIES = 32
# ... contact, offices, interactions, duplicates, focal point, history, merges; panels:
# offices 2, interactions 2, visits 3, gifts 2, open tasks 1.
CONTACT_QUERIES = 22


def test_each_partnership_panel_runs_a_fixed_number_of_queries(staff_user):
    """Each registered panel's context, on a small and on a large partnership: same count."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    small = partnership_hub(city_name="Graz").partnership
    large = partnership_hub(city_name="Linz", extra=8).partnership
    request = RequestFactory().get("/")
    request.user = staff_user
    staff_user.has_perm("partners.view_partnership")  # loads the permissions once
    for panel in panels.registered("partnership"):
        counts = []
        for partnership in (small, large):
            with CaptureQueriesContext(connection) as queries:
                panel.context(request, partnership)
            counts.append(len(queries))
        assert counts[0] == counts[1], panel.key
