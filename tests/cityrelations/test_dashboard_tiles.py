"""Each of the dashboard's count tiles says how many rows the list it links to shows: the test
reads the tile's number and link from the page, follows the link as the user would, and counts
the rows. The data holds the cases that once made them differ (an agreement past its end date but
still marked in force, one ending today, one without an end date, a signed one not yet valid,
partnerships proposed and under review, a membership that ended yesterday)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations.models import Visit
from partners.models import Agreement, Partnership
from tests.delegations.factories import VisitFactory
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


class _Tiles(HTMLParser):
    """``(href, number)`` of every ``a.dashboard-stat`` (its first text that is a number)."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: list[tuple[str, int]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and "dashboard-stat" in (values.get("class") or "").split():
            self._href = values.get("href")

    def handle_data(self, data: str) -> None:
        digits = data.strip().replace(",", "").replace("\xa0", "").replace(" ", "")
        if self._href is not None and digits.isdigit():
            self.tiles.append((self._href, int(digits)))
            self._href = None


class _TableRows(HTMLParser):
    """Rows in the ``<tbody>`` of the page's tables."""

    def __init__(self) -> None:
        super().__init__()
        self.rows = 0
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False


def _tiles(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    parser = _Tiles()
    parser.feed(response.content.decode())
    return dict(parser.tiles)


def _rows(client, url: str) -> int:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert "page=2" not in html, f"{url}: the test data should fit one page"
    parser = _TableRows()
    parser.feed(html)
    return parser.rows


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def boundary_data() -> None:
    status = Partnership.Status
    for value in (status.PROPOSED, status.PROPOSED, status.UNDER_REVIEW, status.ACTIVE):
        PartnershipFactory(status=value)
    PartnershipFactory(status=status.DORMANT)
    PartnershipFactory(status=status.ENDED, ended_on=days(-10))
    kinds = Agreement.Status
    AgreementFactory(title="No end date", valid_until=None)
    AgreementFactory(title="Ends today", valid_until=days(0))
    AgreementFactory(title="Signed", status=kinds.SIGNED, valid_until=days(300))
    AgreementFactory(title="Ended yesterday, still marked", valid_until=days(-1))
    AgreementFactory(title="Signed, valid next year", status=kinds.SIGNED, valid_from=days(30))
    AgreementFactory(title="Negotiating", status=kinds.NEGOTIATION)
    AgreementFactory(title="Expired", status=kinds.EXPIRED, valid_until=days(-100))
    MembershipFactory(until=None)
    MembershipFactory(until=days(0))
    MembershipFactory(until=days(-1))
    OrganizationFactory(name="No membership")
    for _ in range(3):
        ContactFactory()


EXPECTED = {
    "stage=active": 1,
    "stage=in_preparation": 3,
    "show=current": 2,
    "in_force=on": 3,
}


@pytest.mark.parametrize("persona", ["staff_client", "mayor_client"])
def test_every_tile_counts_the_rows_of_the_list_it_opens(request, persona, boundary_data):
    client = request.getfixturevalue(persona)
    tiles = _tiles(client)
    assert len(tiles) == 6, tiles
    for url, number in tiles.items():
        assert number == _rows(client, url), f"{url}: the tile says {number}"
    by_filter = {url.split("?")[-1]: number for url, number in tiles.items() if "?" in url}
    for query, number in EXPECTED.items():
        assert by_filter[query] == number, query


def test_in_force_filter_lists_what_the_queryset_method_returns(staff_client, boundary_data):
    response = staff_client.get(reverse("partners:agreement_list") + "?in_force=on")
    shown = {a.title for a in response.context["page"].object_list}
    assert shown == {"No end date", "Ends today", "Signed"}
    assert shown == set(Agreement.objects.in_force().values_list("title", flat=True))


def test_in_preparation_stage_lists_proposed_and_under_review(staff_client, boundary_data):
    response = staff_client.get(reverse("partners:partnership_list") + "?stage=in_preparation")
    statuses = sorted(p.status for p in response.context["partnerships"])
    assert statuses == ["proposed", "proposed", "under_review"]


def test_an_invalid_stage_shows_every_partnership_with_a_message(staff_client, boundary_data):
    response = staff_client.get(reverse("partners:partnership_list") + "?stage=nonsense")
    assert response.status_code == 200
    assert response.context["filter"].form.errors["stage"]


@pytest.mark.parametrize("persona", ["staff_client", "mayor_client"])
def test_awaiting_review_count_equals_the_review_queue(request, persona):
    client = request.getfixturevalue(persona)
    for status in (
        Visit.Status.SUBMITTED,
        Visit.Status.SUBMITTED,
        Visit.Status.CHANGES_REQUESTED,
        Visit.Status.APPROVED,
        Visit.Status.DRAFT,
    ):
        VisitFactory(status=status)
    # Submitted long ago and already over: still waiting for a decision, so still counted.
    VisitFactory(status=Visit.Status.SUBMITTED, start_date=days(-40), end_date=days(-38))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-awaiting-count">3<' in dashboard
    queue = client.get(reverse("delegations:review_queue")).content.decode()
    assert 'id="awaiting-count" class="badge text-bg-info">3<' in queue
    assert queue.count('<article class="card mb-2" id="queue-visit-') == 3
