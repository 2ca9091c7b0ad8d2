"""Opportunities: stage moves (won/lost need a reason, each move recorded), the board (a move by
htmx and by a plain form), the list's filters and export, CRUD and roles, pinned query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from cityrelations.core.transitions import WrongRole, WrongState
from partners.models import Opportunity, Organization, Theme
from partners.pipeline import opportunity_move, stage_changes
from tests.editing import with_version
from tests.factories import (
    CityFactory,
    ContactFactory,
    InteractionFactory,
    OpportunityFactory,
    OrganizationFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

Stage = Opportunity.Stage
BOARD = reverse("partners:opportunity_board")
LIST = reverse("partners:opportunity_list")
EXPORT = reverse("partners:opportunity_export")


def _move_url(opportunity) -> str:
    return reverse("partners:opportunity_move", args=[opportunity.pk])


# --- the service ------------------------------------------------------------------------------


def test_a_move_is_recorded_with_time_and_who(staff_user):
    opportunity = OpportunityFactory()
    opportunity_move(opportunity=opportunity, to=Stage.CONTACTED, by=staff_user)
    opportunity_move(opportunity=opportunity, to=Stage.MEETING, by=staff_user)
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.MEETING
    changes = stage_changes(opportunity)
    assert [c.stage for c in changes] == ["identified", "contacted", "meeting"]
    assert changes[-1].by == staff_user
    assert changes[-1].at >= changes[0].at


@pytest.mark.parametrize("to", [Stage.WON, Stage.LOST])
def test_won_and_lost_need_a_reason(staff_user, to):
    opportunity = OpportunityFactory(stage=Stage.PROPOSAL)
    with pytest.raises(WrongState):
        opportunity_move(opportunity=opportunity, to=to, reason="  ", by=staff_user)
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    opportunity_move(opportunity=opportunity, to=to, reason="Signed in Tokyo", by=staff_user)
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.outcome_reason) == (to, "Signed in Tokyo")
    assert stage_changes(opportunity)[-1].reason == "Signed in Tokyo"


def test_reopening_forgets_the_outcome_and_same_stage_is_refused(staff_user):
    opportunity = OpportunityFactory(stage=Stage.LOST, outcome_reason="Chose Vienna")
    with pytest.raises(WrongState):
        opportunity_move(opportunity=opportunity, to=Stage.LOST, reason="x", by=staff_user)
    opportunity_move(opportunity=opportunity, to=Stage.CONTACTED, by=staff_user)
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.outcome_reason) == (Stage.CONTACTED, "")


def test_the_likely_next_stage_is_offered_first():
    assert OpportunityFactory(stage=Stage.IDENTIFIED).following_stage == Stage.CONTACTED
    assert OpportunityFactory(stage=Stage.PROPOSAL).following_stage == Stage.WON
    assert OpportunityFactory(stage=Stage.LOST, outcome_reason="x").following_stage == ""


def test_the_mayors_office_may_not_move(mayor_user):
    opportunity = OpportunityFactory()
    with pytest.raises(WrongRole):
        opportunity_move(opportunity=opportunity, to=Stage.CONTACTED, by=mayor_user)


def test_the_database_refuses_a_closed_opportunity_without_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityFactory(stage=Stage.WON, outcome_reason="")


# --- the board --------------------------------------------------------------------------------


def test_board_shows_cards_in_their_columns(staff_client, staff_user):
    opportunity = OpportunityFactory(
        title="Battery plant", stage=Stage.MEETING, owner=staff_user, value=Decimal("5000000")
    )
    TaskFactory(record=opportunity, title="Send site offer", due_on=dt.date(2030, 1, 2))
    html = staff_client.get(BOARD).content.decode()
    column = html.split('id="stage-meeting"')[1].split("</section>")[0]
    assert "Battery plant" in column
    assert "Send site offer" in column
    assert opportunity.organization.name in column


def test_board_shows_only_mine_and_keeps_it_after_a_move(staff_client, staff_user):
    mine = OpportunityFactory(title="My lead", owner=staff_user)
    OpportunityFactory(title="Someone else's lead")
    html = staff_client.get(BOARD, {"mine": "1"}).content.decode()
    assert "My lead" in html and "Someone else" not in html
    response = staff_client.post(
        _move_url(mine), {"stage": "contacted", "mine": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "My lead" in html and "Someone else" not in html
    response = staff_client.post(
        _move_url(mine), {"stage": "meeting", "mine": "1", "next": f"{BOARD}?mine=1"}
    )
    assert response.url == f"{BOARD}?mine=1"


def test_board_move_with_htmx_returns_the_board(staff_client):
    opportunity = OpportunityFactory(title="Data centre")
    response = staff_client.post(
        _move_url(opportunity), {"stage": "contacted"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="board"' in html and "<html" not in html
    assert "Data centre" in html.split('id="stage-contacted"')[1].split("</section>")[0]
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.CONTACTED


def test_board_move_to_won_with_htmx_asks_for_the_reason(staff_client):
    opportunity = OpportunityFactory(stage=Stage.PROPOSAL)
    response = staff_client.post(_move_url(opportunity), {"stage": "won"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="reason-{opportunity.pk}"' in html
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    staff_client.post(
        _move_url(opportunity), {"stage": "won", "reason": "Best offer"}, HTTP_HX_REQUEST="true"
    )
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.outcome_reason) == (Stage.WON, "Best offer")


def test_board_move_without_javascript(staff_client):
    opportunity = OpportunityFactory(stage=Stage.PROPOSAL)
    response = staff_client.post(_move_url(opportunity), {"stage": "lost", "next": BOARD})
    assert response.status_code == 400
    assert "Say why the opportunity was lost." in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.PROPOSAL
    response = staff_client.post(
        _move_url(opportunity), {"stage": "lost", "reason": "Moved to Prague", "next": BOARD}
    )
    assert response.status_code == 302 and response.url == BOARD
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.LOST


def test_won_and_lost_leave_the_board_after_a_while_but_stay_in_the_list(staff_client):
    recent = OpportunityFactory(title="Recent win", stage=Stage.WON, outcome_reason="Signed")
    old = OpportunityFactory(title="Old win", stage=Stage.WON, outcome_reason="Signed")
    Opportunity.objects.filter(pk=old.pk).update(
        stage_changed_at=recent.stage_changed_at - dt.timedelta(days=91)
    )
    html = staff_client.get(BOARD).content.decode()
    assert "Recent win" in html and "Old win" not in html
    assert "Old win" in _listed(staff_client, stage="won")


def test_a_bad_stage_is_a_clear_error(staff_client):
    opportunity = OpportunityFactory()
    response = staff_client.post(_move_url(opportunity), {"stage": "signed"})
    assert response.status_code == 400
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.IDENTIFIED


def test_roles(anonymous_client, mayor_client, staff_client):
    opportunity = OpportunityFactory()
    read = [BOARD, LIST, EXPORT, opportunity.get_absolute_url()]
    edit = [
        reverse("partners:opportunity_create"),
        reverse("partners:opportunity_update", args=[opportunity.pk]),
        reverse("partners:opportunity_delete", args=[opportunity.pk]),
        _move_url(opportunity),
    ]
    for url in read + edit:
        assert anonymous_client.get(url).url.startswith(reverse("login")), url
        assert staff_client.get(url).status_code == 200, url
    for url in read:
        assert mayor_client.get(url).status_code == 200, url
    for url in edit:
        assert mayor_client.post(url, {"stage": "contacted"}).status_code == 403, url
    assert _move_url(opportunity) not in mayor_client.get(BOARD).content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.IDENTIFIED


# --- list, filters, export --------------------------------------------------------------------


def _listed(client, **query) -> str:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return response.content.decode()


def test_list_filters(staff_client, staff_user):
    vienna = CityFactory(name="Vienna", country="AT")
    chamber = OrganizationFactory(name="Chamber Alpha", kind=Organization.Kind.CHAMBER)
    theme = Theme.objects.first()
    big = OpportunityFactory(
        title="Big plant",
        value=Decimal("9000000"),
        sector="automotive",
        organization=chamber,
        city=vienna,
        owner=staff_user,
    )
    big.themes.add(theme)
    OpportunityFactory(
        title="Small shop", value=Decimal("1000"), stage=Stage.LOST, outcome_reason="No"
    )
    assert "Small shop" not in _listed(staff_client, stage="open")
    assert "Small shop" in _listed(staff_client, stage="lost")
    for query in (
        {"owner": staff_user.pk},
        {"sector": "automotive"},
        {"theme": theme.pk},
        {"organization": chamber.pk},
        {"city": vienna.pk},
        {"country": "AT"},
        {"value_min": "5000000"},
        {"q": "plant"},
    ):
        html = _listed(staff_client, **query)
        assert "Big plant" in html and "Small shop" not in html, query
    html = _listed(staff_client, value_max="5000")
    assert "Small shop" in html and "Big plant" not in html
    assert "Big plant" not in _listed(staff_client, value_min="abc")
    html = _listed(staff_client, sort="value")
    assert html.index("Small shop") < html.index("Big plant")


def test_export_csv_and_xlsx_escape_formulae(staff_client):
    OpportunityFactory(title="=HYPERLINK(1)", value=Decimal("12.50"))
    body = staff_client.get(EXPORT, {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Title"
    assert rows[1][0] == "'=HYPERLINK(1)"
    response = staff_client.get(EXPORT, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "'=HYPERLINK(1)"
    assert sheet.cell(row=2, column=9).value == 12.5


# --- create, edit, delete ---------------------------------------------------------------------


def test_create_edit_delete(staff_client, staff_user):
    organization = OrganizationFactory(kind=Organization.Kind.INVESTMENT_AGENCY)
    contact = ContactFactory()
    response = staff_client.post(
        reverse("partners:opportunity_create"),
        {
            "title": "Gigafactory",
            "organization": organization.pk,
            "contacts": [contact.pk],
            "sector": "energy",
            "value": "250000000",
            "currency": "EUR",
            "expected_jobs": "1200",
            "owner": staff_user.pk,
        },
    )
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.stage == Stage.IDENTIFIED
    assert list(opportunity.contacts.all()) == [contact]
    url = reverse("partners:opportunity_update", args=[opportunity.pk])
    data = {"title": "Gigafactory II", "currency": "EUR", "value": "-5"}
    response = staff_client.post(url, with_version(data, opportunity))
    assert response.status_code == 200  # a negative value is refused
    data["value"] = "5"
    assert staff_client.post(url, with_version(data, opportunity)).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Gigafactory II"
    delete = reverse("partners:opportunity_delete", args=[opportunity.pk])
    assert "Gigafactory II" in staff_client.get(delete).content.decode()
    assert staff_client.post(delete).status_code == 302
    assert not Opportunity.objects.exists()


def test_detail_shows_stages_and_next_step(staff_client, staff_user):
    opportunity = OpportunityFactory(title="Campus")
    opportunity_move(opportunity=opportunity, to=Stage.CONTACTED, by=staff_user)
    TaskFactory(record=opportunity, title="Call the CEO")
    html = staff_client.get(opportunity.get_absolute_url()).content.decode()
    assert "Call the CEO" in html
    assert "Contacted" in html


# --- query counts ------------------------------------------------------------------------------


def _pipeline(extra: int) -> None:
    for n in range(extra + 1):
        opportunity = OpportunityFactory(
            title=f"Lead {n}", stage=Stage.values[n % 4], organization=OrganizationFactory()
        )
        opportunity.themes.add(Theme.objects.first())
        TaskFactory(record=opportunity)


@pytest.mark.parametrize("extra", [0, 10])
def test_board_queries_stay_flat(staff_client, django_assert_num_queries, extra):
    _pipeline(extra)
    with django_assert_num_queries(BOARD_QUERIES):
        staff_client.get(BOARD)


@pytest.mark.parametrize("extra", [0, 10])
def test_list_queries_stay_flat(staff_client, django_assert_num_queries, extra):
    _pipeline(extra)
    with django_assert_num_queries(LIST_QUERIES):
        staff_client.get(LIST)


@pytest.mark.parametrize("extra", [0, 10])
def test_detail_queries_stay_flat(staff_client, django_assert_num_queries, extra, staff_user):
    _pipeline(0)
    opportunity = Opportunity.objects.get()
    for _n in range(extra):
        opportunity.contacts.add(ContactFactory())
        TaskFactory(record=opportunity)
        opportunity_move(
            opportunity=opportunity,
            to=Stage.CONTACTED if opportunity.stage != Stage.CONTACTED else Stage.MEETING,
            by=staff_user,
        )
    with django_assert_num_queries(DETAIL_QUERIES):
        staff_client.get(opportunity.get_absolute_url())


# The request's own (session, user, permissions, the layout's groups), then the cards, their
# next steps and the totals by stage.
BOARD_QUERIES = 8
# ... the filter form's choices (owners, themes, organisations, cities, countries 2), the count,
# the rows, their next steps and themes, the totals.
LIST_QUERIES = 16
# ... the opportunity, its open tasks, contacts, themes, interactions, stage changes, history,
# and the visits linked to it (delegations' panel: coming, past, count).
DETAIL_QUERIES = 16


# --- hubs, dashboard, search ------------------------------------------------------------------


def test_city_hub_lists_its_opportunities(staff_client, mayor_client):
    vienna = CityFactory(name="Vienna")
    OpportunityFactory(title="Logistics hub", city=vienna)
    OpportunityFactory(title="Seated elsewhere", organization__city=vienna, city=None)
    OpportunityFactory(title="Not here")
    html = staff_client.get(vienna.get_absolute_url()).content.decode()
    panel = html.split('id="panel-opportunities"')[1].split("</section>")[0]
    assert "Logistics hub" in panel and "Seated elsewhere" in panel
    assert "Not here" not in panel
    assert f"{reverse('partners:opportunity_create')}?city={vienna.pk}" in panel
    listed = _listed(staff_client, city=vienna.pk)
    assert "Logistics hub" in listed and "Seated elsewhere" in listed  # as "Show all" says
    assert "Not here" not in listed
    mayor_html = mayor_client.get(vienna.get_absolute_url()).content.decode()
    assert "Logistics hub" in mayor_html
    assert reverse("partners:opportunity_create") not in mayor_html


def test_dashboard_shows_the_pipeline_by_stage_per_currency(staff_client):
    OpportunityFactory(stage=Stage.MEETING, value=Decimal("1000000"), currency="EUR")
    OpportunityFactory(stage=Stage.MEETING, value=Decimal("500000"), currency="EUR")
    OpportunityFactory(stage=Stage.MEETING, value=Decimal("300000000"), currency="HUF")
    OpportunityFactory(stage=Stage.WON, outcome_reason="Signed", value=Decimal("7"))
    pipeline = {row["stage"]: row for row in Opportunity.objects.pipeline()}
    assert list(pipeline) == ["identified", "contacted", "meeting", "proposal"]
    assert pipeline["meeting"]["count"] == 3
    assert pipeline["meeting"]["totals"] == [
        {"currency": "EUR", "total": Decimal("1500000")},
        {"currency": "HUF", "total": Decimal("300000000")},
    ]
    html = staff_client.get(reverse("dashboard")).content.decode()
    card = html.split('id="dashboard-pipeline"')[1].split("</section>")[0]
    assert "1,500,000" in card and "HUF" in card
    assert f"{LIST}?stage=meeting" in card


def test_global_search_finds_opportunities(mayor_client):
    OpportunityFactory(title="Hydrogen electrolyser plant")
    response = mayor_client.get(reverse("search"), {"q": "electrolyser"})
    assert "Hydrogen electrolyser plant" in response.content.decode()


def test_detail_shows_the_visits_linked_to_it(staff_client):
    from tests.delegations.factories import VisitFactory

    opportunity = OpportunityFactory()
    VisitFactory(title="Site visit in Győr").opportunities.add(opportunity)
    VisitFactory(title="Same company, other business").organizations.add(opportunity.organization)
    html = staff_client.get(opportunity.get_absolute_url()).content.decode()
    panel = html.split('id="panel-visits"')[1].split("</section>")[0]
    assert "Site visit in Győr" in panel and "Same company" not in panel
    # "Show all" lists the same visits; "Add visit" opens the form linked to the opportunity.
    assert f"{reverse('delegations:visit_list')}?opportunity={opportunity.pk}" in panel
    listed = staff_client.get(reverse("delegations:visit_list"), {"opportunity": opportunity.pk})
    assert "Site visit in Győr" in listed.content.decode()
    assert "Same company" not in listed.content.decode()
    form = staff_client.get(reverse("delegations:visit_create"), {"opportunity": opportunity.pk})
    assert form.context["form"].initial["opportunities"] == [opportunity]
    assert form.context["form"].initial["organizations"] == [opportunity.organization]
    lonely = OpportunityFactory(organization=None)
    assert staff_client.get(lonely.get_absolute_url()).status_code == 200


def test_a_visit_is_linked_to_opportunities_from_its_form(staff_client):
    from delegations.models import Visit
    from tests.delegations.factories import VisitFactory
    from tests.editing import with_version

    opportunity = OpportunityFactory(title="Battery plant")
    visit = VisitFactory(title="Trade mission to Seoul")
    data = {
        field: value
        for field, value in staff_client.get(reverse("delegations:visit_update", args=[visit.pk]))
        .context["form"]
        .initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        start_date=visit.start_date.isoformat(),
        end_date=visit.end_date.isoformat(),
        opportunities=[opportunity.pk],
    )
    response = staff_client.post(
        reverse("delegations:visit_update", args=[visit.pk]), with_version(data, visit)
    )
    assert response.status_code == 302, response.context["form"].errors
    assert list(Visit.objects.get(pk=visit.pk).opportunities.all()) == [opportunity]
    page = staff_client.get(visit.get_absolute_url()).content.decode()
    assert "Battery plant" in page and opportunity.get_absolute_url() in page


def test_next_step_is_a_task_added_from_the_opportunity(staff_client, staff_user):
    opportunity = OpportunityFactory(title="Campus")
    html = staff_client.get(opportunity.get_absolute_url()).content.decode()
    add = f"{reverse('partners:task_create')}?kind=opportunity&amp;object_id={opportunity.pk}"
    assert add in html
    response = staff_client.post(
        reverse("partners:task_create") + f"?kind=opportunity&object_id={opportunity.pk}",
        {"title": "Send the site offer", "owner": staff_user.pk, "due_on": "2030-01-02"},
    )
    assert response.status_code == 302
    assert opportunity.next_step.title == "Send the site offer"
    html = staff_client.get(BOARD).content.decode()
    assert "Send the site offer" in html.split(f'id="card-{opportunity.pk}"')[1]


def test_interactions_are_linked_through_the_picker(staff_client):
    interaction = InteractionFactory(subject="Investor roadshow in Seoul")
    opportunity = OpportunityFactory()
    url = reverse("partners:opportunity_update", args=[opportunity.pk])
    data = {"title": opportunity.title, "currency": "EUR", "interactions__search": "roadshow seoul"}
    response = staff_client.post(url, with_version(data, opportunity))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(opportunity.interactions.all()) == [interaction]
    html = staff_client.get(opportunity.get_absolute_url()).content.decode()
    assert "Investor roadshow in Seoul" in html
