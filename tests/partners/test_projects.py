"""Cooperation projects: roles, list filters and sorting, detail with history, CRUD, validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from partners.models import SDG, Project, Theme
from tests.editing import with_version
from tests.factories import OrganizationFactory, PartnershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(title="Green tram corridors", funding_programme="Interreg Danube")


def _data(**overrides) -> dict:
    data = {"title": "Smart lighting", "status": "planned", "currency": "EUR"}
    data.update(overrides)
    return data


def test_roles(anonymous_client, mayor_client, staff_client, project):
    read = [
        reverse("partners:project_list"),
        reverse("partners:project_detail", args=[project.pk]),
    ]
    edit = [
        reverse("partners:project_create"),
        reverse("partners:project_update", args=[project.pk]),
        reverse("partners:project_delete", args=[project.pk]),
    ]
    for url in read + edit:
        assert anonymous_client.get(url).url.startswith(reverse("login")), url
        assert staff_client.get(url).status_code == 200, url
    for url in read:
        assert mayor_client.get(url).status_code == 200, url
    for url in edit:
        assert mayor_client.get(url).status_code == 403, url
        assert mayor_client.post(url, _data()).status_code == 403, url
    assert Project.objects.get().title == "Green tram corridors"
    body = mayor_client.get(read[1]).content.decode()
    assert reverse("partners:project_update", args=[project.pk]) not in body


def test_missing_project_is_404(staff_client):
    assert staff_client.get(reverse("partners:project_detail", args=[999999])).status_code == 404


def test_create_with_partners_themes_and_sdgs(staff_client, staff_user):
    partnership, organization = PartnershipFactory(), OrganizationFactory()
    theme, sdg = Theme.objects.first(), SDG.objects.get(number=11)
    data = _data(
        partnerships=[partnership.pk],
        organizations=[organization.pk],
        themes=[theme.pk],
        sdgs=[sdg.pk],
        budget="250000.50",
        starts_on="2026-01-01",
        ends_on="2027-12-31",
        coordinator=staff_user.pk,
        is_public="on",
    )
    response = staff_client.post(reverse("partners:project_create"), data)
    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert list(project.partnerships.all()) == [partnership]
    assert list(project.organizations.all()) == [organization]
    assert list(project.sdgs.all()) == [sdg]
    assert project.budget == Decimal("250000.50")
    assert project.is_public


def test_end_before_start_and_negative_budget_are_form_errors(staff_client):
    data = _data(starts_on="2026-05-01", ends_on="2026-04-30", budget="-1")
    response = staff_client.post(reverse("partners:project_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ends_on" in errors
    assert "budget" in errors
    assert not Project.objects.exists()


def test_update_records_history_and_delete(staff_client, project):
    url = reverse("partners:project_update", args=[project.pk])
    data = with_version(_data(title="Green tram corridors", status="completed"), project)
    response = staff_client.post(url, data)
    assert response.url == project.get_absolute_url()
    detail = staff_client.get(project.get_absolute_url())
    changes = detail.context["history"][0]["changes"]
    assert any(c["field"] == "status" for c in changes)
    assert (
        staff_client.post(reverse("partners:project_delete", args=[project.pk])).status_code == 302
    )
    assert not Project.objects.exists()


def test_list_filters_and_sorts(staff_client):
    theme, sdg = Theme.objects.first(), SDG.objects.get(number=13)
    a = ProjectFactory(
        title="Alpha",
        status="planned",
        funding_programme="Horizon Europe",
        starts_on=dt.date(2024, 1, 1),
        budget=Decimal("10"),
    )
    a.themes.add(theme)
    b = ProjectFactory(title="Beta", status="active", starts_on=dt.date(2025, 1, 1))
    b.sdgs.add(sdg)
    ProjectFactory(title="Gamma", status="completed", starts_on=None, budget=Decimal("99"))
    url = reverse("partners:project_list")

    def titles(**query) -> list[str]:
        return [p.title for p in staff_client.get(url, query).context["projects"]]

    assert titles() == ["Beta", "Alpha", "Gamma"]
    assert titles(sort="title") == ["Alpha", "Beta", "Gamma"]
    assert titles(sort="-budget") == ["Gamma", "Alpha", "Beta"]
    assert titles(status="active") == ["Beta"]
    assert titles(theme=theme.pk) == ["Alpha"]
    assert titles(sdg=sdg.pk) == ["Beta"]
    assert titles(programme="Horizon Europe") == ["Alpha"]
    assert titles(q="gam") == ["Gamma"]


@pytest.mark.parametrize(
    "query", [{"page": "zz"}, {"status": "x"}, {"sdg": "abc"}, {"sort": "drop"}, {"programme": "?"}]
)
def test_list_survives_bad_query_strings(staff_client, project, query):
    assert staff_client.get(reverse("partners:project_list"), query).status_code == 200


def test_list_empty_state(staff_client):
    assert (
        b"No cooperation projects recorded yet."
        in staff_client.get(reverse("partners:project_list")).content
    )


def _add_projects(n: int) -> None:
    theme, sdg = Theme.objects.first(), SDG.objects.first()
    for i in range(n):
        project = ProjectFactory(funding_programme=f"Programme {i % 3}")
        project.partnerships.add(PartnershipFactory())
        project.organizations.add(OrganizationFactory())
        project.themes.add(theme)
        project.sdgs.add(sdg)


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    # session, user, user and group permissions, navbar groups (2), programmes, count, page,
    # partnerships (with cities), organisations, themes, SDGs, filter choices: themes, SDGs;
    # the budget totals (one per list, by currency), the user's saved views, and the bulk form's
    # choices (staff users, themes).
    url = reverse("partners:project_list")
    _add_projects(1)
    with django_assert_num_queries(18):
        staff_client.get(url)
    _add_projects(10)
    with django_assert_num_queries(18):
        staff_client.get(url)


def test_detail_query_count_does_not_grow(staff_client, project, django_assert_num_queries):
    # session, user, user and group permissions, navbar groups (2), project, partnerships,
    # organisations, themes, SDGs, history.
    def add() -> None:
        project.partnerships.add(PartnershipFactory())
        project.organizations.add(OrganizationFactory())

    add()
    with django_assert_num_queries(12):  # the open tasks panel included
        staff_client.get(project.get_absolute_url())
    for _ in range(9):
        add()
    project.themes.add(*Theme.objects.all()[:5])
    with django_assert_num_queries(12):  # the open tasks panel included
        staff_client.get(project.get_absolute_url())
