"""Saved views (cityrelations/core/saved_views.py, cityrelations/pages/saved_views.py): save a
list's filter and sort, reopen it from the sidebar, rename, delete, the dashboard's counts,
other users' views, and a saved query that no longer validates."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.text import slugify

from cityrelations.core.models import SavedView
from partners.models import Partnership, Theme
from tests.factories import CityFactory, ContactFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("partners:partnership_list")
SAVE = reverse("saved_view_create")


def _save(client, query: str, name: str = "Dormant ones", **extra):
    data = {"list_key": "partnerships", "query": query, "name": name, "next": LIST, **extra}
    return client.post(SAVE, data)


def test_save_then_reopen_from_the_sidebar(staff_client, staff_user):
    PartnershipFactory(status=Partnership.Status.DORMANT, city=CityFactory(name="Lyon"))
    PartnershipFactory(status=Partnership.Status.ACTIVE, city=CityFactory(name="Kyoto"))

    response = _save(staff_client, "status=dormant&sort=-city&page=3")
    view = SavedView.objects.get()
    assert (view.user, view.list_key, view.query) == (
        staff_user,
        "partnerships",
        "sort=-city&status=dormant",
    )
    assert response.status_code == 302
    assert response.url == f"{LIST}?sort=-city&status=dormant"

    page = staff_client.get(LIST)
    html = page.content.decode()
    assert "Dormant ones" in html
    assert f'href="{LIST}?sort=-city&amp;status=dormant"' in html
    # Reopened (parameters in another order): marked as the view shown, with only its rows.
    response = staff_client.get(LIST, {"status": "dormant", "sort": "-city"})
    assert response.context["saved_view_current"] == view
    assert 'aria-current="page"' in response.content.decode()
    assert [p.city.name for p in response.context["partnerships"]] == ["Lyon"]


def test_same_name_twice_is_refused_with_a_message(staff_client):
    _save(staff_client, "status=active")
    response = _save(staff_client, "status=dormant")
    assert SavedView.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already have a view of this list" in m for m in messages)


def test_an_unknown_list_is_refused(staff_client):
    response = staff_client.post(SAVE, {"list_key": "nonsense", "query": "", "name": "x"})
    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_rename_and_delete(staff_client):
    _save(staff_client, "status=active")
    view = SavedView.objects.get()
    url = reverse("saved_view_update", args=[view.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"name": "Active", "on_dashboard": "on", "position": "0"})
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.on_dashboard) == ("Active", True)

    delete_url = reverse("saved_view_delete", args=[view.pk])
    assert "Delete “Active”?" in staff_client.get(delete_url).content.decode()
    assert SavedView.objects.exists()  # GET only asks
    assert staff_client.post(delete_url).status_code == 302
    assert not SavedView.objects.exists()


def test_other_users_cannot_see_or_change_your_views(staff_client, mayor_client):
    other = UserFactory()
    view = SavedView.objects.create(user=other, list_key="partnerships", name="Theirs", query="")
    assert "Theirs" not in staff_client.get(LIST).content.decode()
    assert staff_client.get(reverse("saved_view_update", args=[view.pk])).status_code == 404
    assert staff_client.post(reverse("saved_view_delete", args=[view.pk])).status_code == 404
    assert mayor_client.post(reverse("saved_view_delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_mayors_office_saves_its_own_views(mayor_client):
    assert _save(mayor_client, "status=active").status_code == 302
    assert SavedView.objects.get().name == "Dormant ones"


def test_a_saved_query_that_no_longer_validates_shows_the_list_with_a_message(
    staff_client, staff_user
):
    theme = Theme.objects.get_or_create(name="Gone", defaults={"slug": slugify("Gone")})[0]
    PartnershipFactory(city=CityFactory(name="Vienna"))
    SavedView.objects.create(
        user=staff_user, list_key="partnerships", name="By theme", query=f"theme={theme.pk}"
    )
    theme_id = theme.pk
    theme.delete()
    response = staff_client.get(LIST, {"theme": theme_id})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters of the view “By theme” are no longer valid" in html
    assert "Theme" in response.context["saved_view_invalid"]
    assert [p.city.name for p in response.context["partnerships"]] == ["Vienna"]


def test_dashboard_shows_chosen_views_with_their_counts(staff_client, staff_user):
    for _ in range(3):
        PartnershipFactory(status=Partnership.Status.ACTIVE)
    PartnershipFactory(status=Partnership.Status.DORMANT)
    ContactFactory(last_name="Schmidt")
    SavedView.objects.create(
        user=staff_user,
        list_key="partnerships",
        name="Active ones",
        query="status=active",
        on_dashboard=True,
    )
    SavedView.objects.create(
        user=staff_user, list_key="contacts", name="Schmidts", query="q=Schmidt", on_dashboard=True
    )
    SavedView.objects.create(
        user=staff_user, list_key="partnerships", name="Not on dashboard", query=""
    )
    SavedView.objects.create(
        user=UserFactory(),
        list_key="partnerships",
        name="Someone else's",
        query="",
        on_dashboard=True,
    )
    response = staff_client.get(reverse("dashboard"))
    rows = {row["view"].name: row["count"] for row in response.context["saved_views_panel"]}
    assert rows == {"Active ones": 3, "Schmidts": 1}
    html = response.content.decode()
    assert "My saved views" in html
    assert f"{LIST}?status=active" in html


def test_dashboard_without_saved_views_has_no_panel(staff_client):
    assert "My saved views" not in staff_client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("partners:contact_list", "contacts"),
        ("partners:agreement_list", "agreements"),
        ("partners:organization_list", "organizations"),
        ("partners:membership_list", "memberships"),
        ("partners:project_list", "projects"),
        ("delegations:visit_list", "visits"),
    ],
)
def test_every_list_offers_its_saved_views(staff_client, staff_user, url_name, key):
    SavedView.objects.create(user=staff_user, list_key=key, name="Mine", query="q=zz")
    html = staff_client.get(reverse(url_name)).content.decode()
    assert "Save these filters and sort as" in html
    assert "Mine" in html


def test_nul_bytes_in_a_saved_view_get_a_message(staff_client):
    response = _save(staff_client, "status=active%00", name="Nul\x00name")
    assert response.status_code == 302
    response = _save(staff_client, "q=a\x00b&status=\x00", name="Fine")
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert view.name == "Fine"
    assert staff_client.get(f"{LIST}?{view.query}").status_code == 200
    assert staff_client.get(LIST, {"q": "\x00", "sort": "\x00"}).status_code == 200
