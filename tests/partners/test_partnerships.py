from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import load_workbook

from cityrelations.core.roles import DIPLOMACY_UNIT
from partners.models import SDG, Interaction, Partnership, Theme
from tests.editing import with_version
from tests.factories import (
    AgreementFactory,
    CityFactory,
    InteractionFactory,
    PartnershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _theme(name: str = "Culture") -> Theme:
    # Reference data comes from a migration; a transactional test elsewhere may have flushed it.
    return Theme.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def _sdg(number: int) -> SDG:
    return SDG.objects.get_or_create(number=number, defaults={"name": f"Goal {number}"})[0]


TODAY = timezone.localdate()
LONG_AGO = TODAY - dt.timedelta(days=500)


def _form_data(city, **overrides) -> dict:
    data = {
        "city": str(city.pk),
        "level": "sister",
        "status": "active",
        "proposed_on": "2010-01-10",
        "established_on": "2011-05-01",
        "ended_on": "",
        "council_resolution": "123/2011",
        "council_resolution_on": "2011-04-20",
        "coordinator": "",
        "summary": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def _edit_urls(p: Partnership) -> list[str]:
    return [
        reverse("partners:partnership_create"),
        reverse("partners:partnership_update", args=[p.pk]),
        reverse("partners:partnership_delete", args=[p.pk]),
        reverse("partners:partnership_mark_dormant", args=[p.pk]),
    ]


def _read_urls(p: Partnership) -> list[str]:
    return [
        reverse("partners:partnership_list"),
        reverse("partners:partnership_detail", args=[p.pk]),
        reverse("partners:partnership_export"),
    ]


# --- access -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(anonymous_client):
    p = PartnershipFactory()
    for url in _read_urls(p) + _edit_urls(p):
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_mayor_reads_without_edit_buttons_and_every_edit_url_is_403(mayor_client):
    p = PartnershipFactory()  # active, no contact: the dormant hint shows, without the button
    for url in _read_urls(p):
        assert mayor_client.get(url).status_code == 200, url
    html = mayor_client.get(p.get_absolute_url()).content.decode()
    assert "Consider marking this partnership dormant" in html
    for url in _edit_urls(p):
        assert url.split("?")[0] not in html, url
        assert mayor_client.get(url).status_code == 403, url
        assert mayor_client.post(url, _form_data(p.city)).status_code == 403, url
    assert "Add interaction" not in html
    list_html = mayor_client.get(reverse("partners:partnership_list")).content.decode()
    assert reverse("partners:partnership_create") not in list_html
    p.refresh_from_db()
    assert p.status == "active"


def test_missing_partnership_is_404(staff_client):
    for name in ("partnership_detail", "partnership_update", "partnership_delete"):
        assert staff_client.get(reverse(f"partners:{name}", args=[999999])).status_code == 404


# --- create and edit ----------------------------------------------------------------------------


def test_staff_creates_a_partnership_with_themes_and_sdgs(staff_client, staff_user):
    city = CityFactory(name="Vienna")
    theme = _theme()
    sdg = _sdg(11)
    data = _form_data(
        city, coordinator=str(staff_user.pk), themes=[str(theme.pk)], sdgs=[str(sdg.pk)]
    )
    response = staff_client.post(reverse("partners:partnership_create"), data)
    p = Partnership.objects.get(city=city)
    assert response.status_code == 302 and response.url == p.get_absolute_url()
    assert p.coordinator == staff_user
    assert list(p.themes.all()) == [theme]
    assert list(p.sdgs.all()) == [sdg]
    assert p.history.first().history_user == staff_user


def test_create_page_preselects_city_and_links_to_gazetteer(staff_client):
    city = CityFactory()
    response = staff_client.get(reverse("partners:partnership_create"), {"city": city.pk})
    assert response.context["form"].initial["city"] == city.pk
    html = response.content.decode()
    assert reverse("partners:city_create") + "?next=%2Fpartners%2Fpartnerships%2Fnew%2F" in html
    # a malformed ?city= is ignored
    response = staff_client.get(reverse("partners:partnership_create"), {"city": "x'"})
    assert response.status_code == 200


def test_coordinator_must_be_in_the_diplomacy_unit(staff_client, mayor_user):
    city = CityFactory()
    response = staff_client.post(
        reverse("partners:partnership_create"), _form_data(city, coordinator=str(mayor_user.pk))
    )
    assert response.status_code == 200
    assert "coordinator" in response.context["form"].errors
    choices = [str(label) for _v, label in response.context["form"].fields["coordinator"].choices]
    assert mayor_user.get_full_name() not in choices


def test_former_member_stays_selectable_on_their_partnership(staff_client):
    former = UserFactory(username="former")
    p = PartnershipFactory(coordinator=former)
    response = staff_client.get(reverse("partners:partnership_update", args=[p.pk]))
    values = [str(v) for v, _l in response.context["form"].fields["coordinator"].choices]
    assert str(former.pk) in values


def test_second_open_partnership_for_a_city_is_a_form_error(staff_client):
    existing = PartnershipFactory()
    response = staff_client.post(
        reverse("partners:partnership_create"), _form_data(existing.city, status="proposed")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["city"]
    assert "already has an open partnership" in errors[0]
    assert f'href="{existing.get_absolute_url()}"' in response.content.decode()
    assert Partnership.objects.count() == 1


def test_a_new_partnership_after_an_ended_one_is_fine(staff_client):
    ended = PartnershipFactory(status="ended", ended_on=dt.date(2019, 1, 1))
    response = staff_client.post(reverse("partners:partnership_create"), _form_data(ended.city))
    assert response.status_code == 302
    assert Partnership.objects.filter(city=ended.city).count() == 2


def test_lifecycle_dates_are_checked(staff_client):
    city = CityFactory()
    url = reverse("partners:partnership_create")
    form = staff_client.post(
        url, _form_data(city, status="ended", established_on="2012-01-01", ended_on="2011-01-01")
    ).context["form"]
    assert "ended_on" in form.errors
    form = staff_client.post(url, _form_data(city, status="ended")).context["form"]
    assert "Give the date an ended partnership ended." in form.errors["ended_on"]
    form = staff_client.post(url, _form_data(city, ended_on="2020-01-01")).context["form"]
    assert "ended_on" in form.errors
    form = staff_client.post(
        url, _form_data(city, proposed_on="2012-01-01", established_on="2011-01-01")
    ).context["form"]
    assert "established_on" in form.errors
    assert not Partnership.objects.exists()


def test_editing_keeps_the_city_and_ends_a_partnership(staff_client):
    p = PartnershipFactory(level="partner")
    data = _form_data(p.city, level="friendship", status="ended", ended_on="2024-01-01")
    data = with_version(data, p)
    response = staff_client.post(reverse("partners:partnership_update", args=[p.pk]), data)
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.level, p.status, p.ended_on) == ("friendship", "ended", dt.date(2024, 1, 1))


def test_delete_confirms_consequences_then_deletes(staff_client):
    p = PartnershipFactory()
    InteractionFactory(partnership=p)
    AgreementFactory(partnership=p)
    url = reverse("partners:partnership_delete", args=[p.pk])
    html = staff_client.get(url).content.decode()
    assert "Its 1 interaction will be deleted with it." in html
    assert "1 agreement will be kept" in html
    response = staff_client.post(url)
    assert response.url == reverse("partners:partnership_list")
    assert not Partnership.objects.exists()
    assert not Interaction.objects.exists()


# --- detail: timeline, dormant hint -------------------------------------------------------------


def test_timeline_merges_interactions_agreements_projects_newest_first(staff_client):
    p = PartnershipFactory()
    InteractionFactory(partnership=p, subject="Mayors' call", occurred_on=dt.date(2024, 6, 1))
    AgreementFactory(partnership=p, title="Twinning charter", signed_on=dt.date(2015, 5, 1))
    AgreementFactory(partnership=p, title="Unsigned draft", signed_on=None)
    project = ProjectFactory(title="Green tram", starts_on=dt.date(2020, 3, 1))
    project.partnerships.add(p)
    InteractionFactory(subject="Someone else's meeting")
    response = staff_client.get(p.get_absolute_url())
    titles = [e["title"] for e in response.context["timeline"]]
    assert titles == ["Mayors' call", "Green tram", "Twinning charter"]
    html = response.content.decode()
    html = html[html.index('id="pane-timeline"') :]  # the overview's cards name them too
    assert (
        html.index("Mayors&#x27; call") < html.index("Green tram") < html.index("Twinning charter")
    )
    assert 'id="pane-history"' in html


def test_add_interaction_link_for_staff(staff_client):
    p = PartnershipFactory()
    html = staff_client.get(p.get_absolute_url()).content.decode()
    assert f"{reverse('partners:interaction_create')}?partnership={p.pk}" in html


def test_dormant_hint_only_for_candidates(staff_client):
    quiet = PartnershipFactory()
    InteractionFactory(partnership=quiet, occurred_on=LONG_AGO)
    busy = PartnershipFactory()
    InteractionFactory(partnership=busy)
    proposed = PartnershipFactory(status="proposed")
    hint = "Consider marking this partnership dormant"
    assert hint in staff_client.get(quiet.get_absolute_url()).content.decode()
    assert hint not in staff_client.get(busy.get_absolute_url()).content.decode()
    assert hint not in staff_client.get(proposed.get_absolute_url()).content.decode()
    button = reverse("partners:partnership_mark_dormant", args=[quiet.pk])
    assert button in staff_client.get(quiet.get_absolute_url()).content.decode()


def test_mark_dormant_confirms_then_changes_status(staff_client):
    p = PartnershipFactory()
    url = reverse("partners:partnership_mark_dormant", args=[p.pk])
    assert "Mark the partnership" in staff_client.get(url).content.decode()
    p.refresh_from_db()
    assert p.status == "active"
    response = staff_client.post(url, follow=True)
    assert "is now dormant" in response.content.decode()
    p.refresh_from_db()
    assert p.status == "dormant"
    # only active partnerships can become dormant
    response = staff_client.post(url, follow=True)
    assert "Only an active partnership" in response.content.decode()


# --- list: filters, sorting, pagination ---------------------------------------------------------


@pytest.fixture
def three(db):
    """Vienna (AT, sister, theme culture, SDG 11, coordinated), Kyoto (JP, partner, recent
    contact), Lyon (FR, friendship, proposed, no contact ever)."""
    coordinator = UserFactory(username="coord", first_name="Cora")
    coordinator.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    culture = Theme.objects.create(name="Culture test", slug="culture-test")
    vienna = PartnershipFactory(
        city=CityFactory(name="Vienna", country="AT"),
        level="sister",
        established_on=dt.date(1990, 1, 1),
        coordinator=coordinator,
        council_resolution="=HYPERLINK(evil)",
    )
    vienna.themes.add(culture)
    vienna.sdgs.add(_sdg(11))
    InteractionFactory(partnership=vienna, occurred_on=LONG_AGO)
    kyoto = PartnershipFactory(
        city=CityFactory(name="Kyoto", country="JP"), level="partner", established_on=None
    )
    InteractionFactory(partnership=kyoto, occurred_on=TODAY)
    lyon = PartnershipFactory(
        city=CityFactory(name="Lyon", country="FR", region="Rhône"),
        level="friendship",
        status="proposed",
        established_on=dt.date(2020, 1, 1),
        summary="River cities",
    )
    return {
        "vienna": vienna,
        "kyoto": kyoto,
        "lyon": lyon,
        "coordinator": coordinator,
        "culture": culture,
    }


def _cities(client, **params) -> list[str]:
    response = client.get(reverse("partners:partnership_list"), params)
    assert response.status_code == 200
    return [p.city.name for p in response.context["partnerships"]]


def test_filters(staff_client, three):
    assert _cities(staff_client) == ["Kyoto", "Lyon", "Vienna"]
    assert _cities(staff_client, level="sister") == ["Vienna"]
    assert _cities(staff_client, status="proposed") == ["Lyon"]
    assert _cities(staff_client, country="JP") == ["Kyoto"]
    assert _cities(staff_client, continent="EU") == ["Lyon", "Vienna"]
    assert _cities(staff_client, theme=three["culture"].pk) == ["Vienna"]
    assert _cities(staff_client, sdg=_sdg(11).pk) == ["Vienna"]
    assert _cities(staff_client, coordinator=three["coordinator"].pk) == ["Vienna"]
    assert _cities(staff_client, no_contact="on") == ["Lyon", "Vienna"]
    assert _cities(staff_client, q="river") == ["Lyon"]
    assert _cities(staff_client, q="rhône") == ["Lyon"]
    assert _cities(staff_client, q="vien", level="sister", continent="EU") == ["Vienna"]


@pytest.mark.parametrize(
    "params",
    [
        {"level": "emperor"},
        {"status": "<script>"},
        {"country": "XX"},
        {"theme": "abc"},
        {"sdg": "99999"},
        {"coordinator": "-1"},
        {"no_contact": "maybe"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "10000"},
        {"sort": "password"},
        {"sort": "--city"},
    ],
)
def test_bad_query_strings_never_500(staff_client, three, params):
    response = staff_client.get(reverse("partners:partnership_list"), params)
    assert response.status_code == 200
    key = next(iter(params))
    if key in ("level", "status", "country", "theme", "sdg", "coordinator"):
        assert response.context["filter"].errors[key]
        assert "Select a valid choice" in response.content.decode()
    assert staff_client.get(reverse("partners:partnership_export"), params).status_code == 200


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("city", ["Kyoto", "Lyon", "Vienna"]),
        ("-city", ["Vienna", "Lyon", "Kyoto"]),
        ("country", ["Vienna", "Lyon", "Kyoto"]),  # AT, FR, JP
        ("-country", ["Kyoto", "Lyon", "Vienna"]),
        ("level", ["Vienna", "Kyoto", "Lyon"]),  # sister, partner, friendship
        ("status", ["Lyon", "Kyoto", "Vienna"]),  # proposed before active
        ("established", ["Vienna", "Lyon", "Kyoto"]),  # unknown last
        ("-established", ["Lyon", "Vienna", "Kyoto"]),  # unknown still last
        ("last_contact", ["Lyon", "Vienna", "Kyoto"]),  # never first
        ("-last_contact", ["Kyoto", "Vienna", "Lyon"]),
        ("nonsense", ["Kyoto", "Lyon", "Vienna"]),
    ],
)
def test_sorting(staff_client, three, sort, expected):
    assert _cities(staff_client, sort=sort) == expected


def test_sort_links_keep_filters_and_flip_direction(staff_client, three):
    html = staff_client.get(
        reverse("partners:partnership_list"), {"sort": "city", "level": "sister"}
    ).content.decode()
    assert "?sort=-city&amp;level=sister" in html or "?level=sister&amp;sort=-city" in html
    assert 'aria-sort="ascending"' in html


def test_pagination_25_per_page(staff_client):
    PartnershipFactory.create_batch(27)
    response = staff_client.get(reverse("partners:partnership_list"), {"page": "2"})
    assert len(response.context["partnerships"]) == 2
    assert "Page 2 of 2" in response.content.decode()


def _list_query_count(client, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(reverse("partners:partnership_list")).status_code == 200


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    theme = _theme()

    def add() -> None:
        p = PartnershipFactory(coordinator=UserFactory())
        p.themes.add(theme)
        InteractionFactory(partnership=p)

    add()
    # session, user, 2 x permissions, count, rows, themes (prefetch), filter choices (themes,
    # SDGs, coordinators), the layout's two group look-ups, the user's saved views of the list,
    # and the bulk form's choices (themes, staff users)
    _list_query_count(staff_client, django_assert_num_queries, 14)
    for _ in range(10):
        add()
    _list_query_count(staff_client, django_assert_num_queries, 14)


# --- export -------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_is_exactly_the_filtered_sorted_rows(staff_client, three):
    params = {"continent": "EU", "sort": "-city", "page": "1"}
    listed = _cities(staff_client, **params)
    response = staff_client.get(reverse("partners:partnership_export"), {**params, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="partnerships.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][0] == "City"
    assert [r[0] for r in rows[1:]] == listed == ["Vienna", "Lyon"]
    vienna = dict(zip(rows[0], rows[1], strict=True))
    assert vienna["Council resolution"] == "'=HYPERLINK(evil)"  # formula neutralised
    assert vienna["Themes"] == "Culture test"
    assert vienna["SDGs"] == "11"
    assert vienna["Coordinator"] == three["coordinator"].get_full_name()
    assert vienna["Last contact"] == LONG_AGO.isoformat()
    assert vienna["Level"] == "Sister city"


def test_export_covers_every_page(staff_client):
    PartnershipFactory.create_batch(30)
    rows = _csv_rows(staff_client.get(reverse("partners:partnership_export"), {"page": "2"}))
    assert len(rows) == 31


def test_xlsx_export_matches_and_escapes(staff_client, three):
    response = staff_client.get(
        reverse("partners:partnership_export"), {"format": "xlsx", "sort": "level"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == _cities(staff_client, sort="level")
    header = list(rows[0])
    assert rows[1][header.index("Council resolution")] == "'=HYPERLINK(evil)"


def test_export_query_count_does_not_grow(staff_client, django_assert_num_queries):
    PartnershipFactory()
    url = reverse("partners:partnership_export")
    # session, user, 2 x permissions, rows, themes, SDGs
    with django_assert_num_queries(7):
        staff_client.get(url)
    PartnershipFactory.create_batch(10)
    with django_assert_num_queries(7):
        staff_client.get(url)


def _detail_query_count(client, p, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert client.get(p.get_absolute_url()).status_code == 200


def test_detail_query_count_does_not_grow(staff_client, django_assert_num_queries):
    p = PartnershipFactory()
    InteractionFactory(partnership=p)
    # session, user, 2 x permissions, partnership, interactions, agreements, projects, themes,
    # SDGs, dormant check, history, the layout's two group look-ups, and the hub's panels
    # (22: see tests/partners/test_hubs.py)
    _detail_query_count(staff_client, p, django_assert_num_queries, 35)
    for n in range(10):
        InteractionFactory(partnership=p)
        AgreementFactory(partnership=p)
        ProjectFactory(starts_on=dt.date(2020, 1, n + 1)).partnerships.add(p)
        p.themes.add(_theme(f"Theme {n}"))
    _detail_query_count(staff_client, p, django_assert_num_queries, 35)


def test_a_concurrent_duplicate_is_a_form_error_not_a_500(staff_client, monkeypatch):
    """If another request saves an open partnership for the city between our checks and our
    insert, the database constraint fires: the user sees a message, nothing is half-saved."""
    from partners.forms.partnerships import PartnershipForm

    existing = PartnershipFactory()
    monkeypatch.setattr(PartnershipForm, "clean", lambda self: self.cleaned_data)
    monkeypatch.setattr(Partnership, "validate_constraints", lambda self, exclude=None: None)
    response = staff_client.post(
        reverse("partners:partnership_create"), _form_data(existing.city, themes=[_theme().pk])
    )
    assert response.status_code == 200
    assert "already has an open partnership" in response.content.decode()
    assert Partnership.objects.count() == 1


def test_city_page_offers_a_partnership_only_without_an_open_one(staff_client):
    city = CityFactory()
    PartnershipFactory(city=city, status="ended", ended_on=dt.date(2019, 1, 1))
    html = staff_client.get(city.get_absolute_url()).content.decode()
    assert f"{reverse('partners:partnership_create')}?city={city.pk}" in html


def test_status_counts_group_the_statuses_in_one_query(django_assert_num_queries):
    S = Partnership.Status
    for status in (S.PROPOSED, S.UNDER_REVIEW, S.ACTIVE, S.ACTIVE, S.DORMANT, S.SUSPENDED):
        PartnershipFactory(status=status)
    PartnershipFactory(status=S.ENDED, established_on=None, ended_on=dt.date(2020, 1, 1))
    with django_assert_num_queries(1):
        counts = Partnership.objects.status_counts()
    assert counts == {"open": 6, "active": 2, "in_preparation": 2, "dormant": 1}
    assert Partnership.objects.open().count() == 6


def test_deleting_an_unreferenced_partnership_has_no_consequences(django_assert_num_queries):
    partnership = PartnershipFactory()
    with django_assert_num_queries(1):
        assert partnership.deletion_consequences() == []
