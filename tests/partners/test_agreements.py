"""The agreements register: pages per role, filters, sorting, export, forms and constraints."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Agreement, AgreementDocument, Theme
from tests.editing import with_version

from ..factories import (
    AgreementFactory,
    CityFactory,
    OrganizationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _urls(agreement: Agreement) -> dict[str, str]:
    return {
        "list": reverse("partners:agreement_list"),
        "export": reverse("partners:agreement_export"),
        "detail": reverse("partners:agreement_detail", args=[agreement.pk]),
        "create": reverse("partners:agreement_create"),
        "update": reverse("partners:agreement_update", args=[agreement.pk]),
        "delete": reverse("partners:agreement_delete", args=[agreement.pk]),
    }


def _form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Memorandum on urban mobility",
        "kind": "mou",
        "status": "signed",
        "signatory_home": "Mayor of Budapest",
        "signatory_partner": "Mayor of Vienna",
        "signed_on": "2024-04-10",
        "signed_at": "Vienna",
        "valid_from": "2024-05-01",
        "valid_until": "2029-04-30",
        "renewal_notice_days": "120",
        "council_resolution": "123/2024",
        "summary": "Exchange of practice on trams.",
    }
    data.update(overrides)
    return data


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


# --- access per role ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(anonymous_client):
    for url in _urls(AgreementFactory()).values():
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_mayor_reads_and_exports_but_cannot_edit(mayor_client):
    agreement = AgreementFactory()
    urls = _urls(agreement)
    for key in ("list", "export", "detail"):
        assert mayor_client.get(urls[key]).status_code == 200, key
    for key in ("create", "update", "delete"):
        assert mayor_client.get(urls[key]).status_code == 403, key
        assert mayor_client.post(urls[key], _form_data()).status_code == 403, key
    agreement.refresh_from_db()
    assert agreement.title != "Memorandum on urban mobility"
    content = mayor_client.get(urls["detail"]).content
    assert urls["update"].encode() not in content
    assert b"Upload document" not in content


def test_staff_sees_every_page(staff_client):
    for key, url in _urls(AgreementFactory()).items():
        assert staff_client.get(url).status_code == 200, key


def test_missing_agreement_is_404(staff_client):
    for name in ("agreement_detail", "agreement_update", "agreement_delete"):
        assert staff_client.get(reverse(f"partners:{name}", args=[999999])).status_code == 404


# --- create / edit / delete -----------------------------------------------------------------


def test_create_with_links(staff_client, staff_user):
    city = CityFactory(name="Vienna")
    org = OrganizationFactory()
    theme = Theme.objects.get(slug="transport")
    partnership = PartnershipFactory(city=city)
    data = _form_data(
        cities=[city.pk],
        organizations=[org.pk],
        themes=[theme.pk],
        partnership=partnership.pk,
        coordinator=staff_user.pk,
        is_public="on",
    )
    response = staff_client.post(reverse("partners:agreement_create"), data)
    agreement = Agreement.objects.get(title="Memorandum on urban mobility")
    assert response.url == agreement.get_absolute_url()
    assert list(agreement.cities.all()) == [city]
    assert list(agreement.organizations.all()) == [org]
    assert list(agreement.themes.all()) == [theme]
    assert agreement.partnership == partnership
    assert agreement.coordinator == staff_user
    assert agreement.is_public


def test_create_from_organisation_preselects_it(staff_client):
    org = OrganizationFactory()
    url = reverse("partners:agreement_create") + f"?organization={org.pk}"
    form = staff_client.get(url).context["form"]
    assert form.initial["organizations"] == [org]
    bad = staff_client.get(reverse("partners:agreement_create") + "?organization=x&city=99999999")
    assert bad.status_code == 200
    assert "organizations" not in bad.context["form"].initial


def test_create_from_partnership_preselects_it_and_its_city(staff_client):
    partnership = PartnershipFactory()
    url = reverse("partners:agreement_create") + f"?partnership={partnership.pk}"
    form = staff_client.get(url).context["form"]
    assert form.initial["partnership"] == partnership
    assert form.initial["cities"] == [partnership.city]


def test_valid_until_before_valid_from_is_a_form_error(staff_client):
    response = staff_client.post(
        reverse("partners:agreement_create"),
        _form_data(valid_from="2025-01-01", valid_until="2024-01-01"),
    )
    assert response.status_code == 200
    assert "cannot be before" in response.context["form"].errors["valid_until"][0]
    assert not response.context["form"].non_field_errors()
    assert not Agreement.objects.filter(title="Memorandum on urban mobility").exists()


def test_coordinator_outside_the_unit_is_refused(staff_client):
    outsider = UserFactory(username="outsider")
    response = staff_client.post(
        reverse("partners:agreement_create"), _form_data(coordinator=outsider.pk)
    )
    assert response.status_code == 200
    assert "coordinator" in response.context["form"].errors


def test_update_records_history(staff_client):
    agreement = AgreementFactory(title="Old")
    response = staff_client.post(
        reverse("partners:agreement_update", args=[agreement.pk]),
        with_version(_form_data(title="New"), agreement),
    )
    assert response.status_code == 302
    detail = staff_client.get(agreement.get_absolute_url())
    assert detail.context["history"][0]["type"] == "changed"
    assert any(c["new"] == "New" for c in detail.context["history"][0]["changes"])


def test_delete_agreement_with_confirmation(staff_client):
    agreement = AgreementFactory()
    page = staff_client.get(reverse("partners:agreement_delete", args=[agreement.pk]))
    assert b"This cannot be undone" in page.content
    response = staff_client.post(reverse("partners:agreement_delete", args=[agreement.pk]))
    assert response.url == reverse("partners:agreement_list")
    assert not Agreement.objects.filter(pk=agreement.pk).exists()


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_renewal_notice_date(staff_client):
    agreement = AgreementFactory(
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 6, 30), renewal_notice_days=30
    )
    response = staff_client.get(agreement.get_absolute_url())
    assert agreement.renewal_notice_on == dt.date(2030, 5, 31)
    assert "start the renewal by" in response.content.decode()
    assert "31 May 2030" in response.content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_detail_query_count_does_not_grow(
    staff_client, staff_user, django_assert_num_queries, count
):
    agreement = AgreementFactory(coordinator=staff_user, partnership=PartnershipFactory())
    for index in range(count):
        agreement.cities.add(CityFactory())
        agreement.organizations.add(OrganizationFactory())
        AgreementDocument.objects.create(
            agreement=agreement,
            language="en",
            title=f"Doc {index}",
            file=f"agreements/{agreement.pk}/doc{index}.pdf",
            content_type="application/pdf",
            size=100,
            uploaded_by=staff_user,
        )
    agreement.themes.add(*Theme.objects.all()[:count])
    # session, user, 2x permissions, 2x group names, agreement, cities, organisations, themes,
    # documents, history, open tasks
    with django_assert_num_queries(12):
        response = staff_client.get(agreement.get_absolute_url())
    assert response.status_code == 200


# --- list -------------------------------------------------------------------------------------


def test_list_filters(staff_client):
    vienna = CityFactory(name="Vienna")
    org = OrganizationFactory()
    theme = Theme.objects.get(slug="culture")
    charter = AgreementFactory(title="Twinning charter", kind="twinning", status="in_force")
    charter.cities.add(vienna)
    charter.themes.add(theme)
    mou = AgreementFactory(title="Network MoU", kind="mou", status="draft")
    mou.organizations.add(org)
    soon = AgreementFactory(
        title="Expiring soon", status="in_force", valid_until=TODAY + dt.timedelta(days=20)
    )
    AgreementFactory(title="Expiring later", valid_until=TODAY + dt.timedelta(days=400))
    url = reverse("partners:agreement_list")
    titles = lambda r: {a.title for a in r.context["agreements"]}  # noqa: E731
    assert titles(staff_client.get(url, {"kind": "twinning"})) == {"Twinning charter"}
    assert titles(staff_client.get(url, {"status": "draft"})) == {"Network MoU"}
    assert titles(staff_client.get(url, {"city": vienna.pk})) == {"Twinning charter"}
    assert titles(staff_client.get(url, {"organization": org.pk})) == {"Network MoU"}
    assert titles(staff_client.get(url, {"theme": theme.pk})) == {"Twinning charter"}
    assert titles(staff_client.get(url, {"expiring_within": 30})) == {soon.title}
    assert titles(staff_client.get(url, {"q": "network"})) == {"Network MoU"}


def test_list_sorts(staff_client):
    AgreementFactory(title="B", signed_on=dt.date(2020, 1, 1), valid_until=dt.date(2031, 1, 1))
    AgreementFactory(title="A", signed_on=dt.date(2023, 1, 1), valid_until=None)
    AgreementFactory(title="C", signed_on=None, valid_until=dt.date(2030, 1, 1))
    url = reverse("partners:agreement_list")
    titles = lambda r: [a.title for a in r.context["agreements"]]  # noqa: E731
    assert titles(staff_client.get(url)) == ["A", "B", "C"]
    assert titles(staff_client.get(url, {"sort": "title"})) == ["A", "B", "C"]
    assert titles(staff_client.get(url, {"sort": "signed"})) == ["B", "A", "C"]
    assert titles(staff_client.get(url, {"sort": "valid_until"})) == ["C", "B", "A"]


def test_list_survives_malformed_query(staff_client):
    url = reverse("partners:agreement_list")
    for params in (
        {"page": "0"},
        {"page": "zz"},
        {"expiring_within": "99999999999"},
        {"expiring_within": "soon"},
        {"city": "abc"},
        {"organization": "-1"},
        {"sort": "'; drop table"},
        {"status": "x"},
    ):
        assert staff_client.get(url, params).status_code == 200, params
        assert staff_client.get(reverse("partners:agreement_export"), params).status_code == 200


def test_list_paginates_and_shows_empty_state(staff_client):
    AgreementFactory.create_batch(27)
    response = staff_client.get(reverse("partners:agreement_list"), {"page": 2})
    assert len(response.context["agreements"]) == 2
    empty = staff_client.get(reverse("partners:agreement_list"), {"q": "no-such-words"})
    assert b"No agreement matches these filters." in empty.content


@pytest.mark.parametrize("count", [1, 10])
def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries, count):
    theme = Theme.objects.first()
    for _ in range(count):
        agreement = AgreementFactory(partnership=PartnershipFactory())
        agreement.cities.add(CityFactory())
        agreement.organizations.add(OrganizationFactory())
        agreement.themes.add(theme)
    # session, user, 2x permissions, 2x group names, theme choices, agreements (count, rows,
    # cities, organisations, themes). The city and organisation filters are searchable
    # selects: with nothing chosen they query nothing (they used to list every row). The user's
    # saved views of the list, and the bulk form's choices (themes, staff users).
    with django_assert_num_queries(14):
        response = staff_client.get(reverse("partners:agreement_list"))
    assert response.status_code == 200


# --- export -----------------------------------------------------------------------------------


def test_export_has_the_filtered_rows_with_formulae_escaped(staff_client):
    city = CityFactory(name="Graz")
    hit = AgreementFactory(
        title='=HYPERLINK("http://evil")',
        kind="twinning",
        signatory_partner="+cmd",
        valid_until=dt.date(2030, 1, 1),
    )
    hit.cities.add(city)
    AgreementFactory(title="Other", kind="mou")
    response = staff_client.get(reverse("partners:agreement_export"), {"kind": "twinning"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][0] == "Title"
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == '\'=HYPERLINK("http://evil")'
    assert row["Partner's signatory"] == "'+cmd"
    assert row["Cities"] == str(city)
    assert row["Valid until"] == "2030-01-01"
    assert row["Renewal notice date"] == "2029-10-03"


def test_export_ignores_pagination(staff_client):
    AgreementFactory.create_batch(30)
    rows = _rows(staff_client.get(reverse("partners:agreement_export"), {"page": 2}))
    assert len(rows) == 31


def test_export_xlsx(staff_client):
    from openpyxl import load_workbook

    AgreementFactory(title="@SUM(A1)")
    response = staff_client.get(reverse("partners:agreement_export"), {"fmt": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "'@SUM(A1)"


@pytest.mark.parametrize("count", [1, 10])
def test_export_query_count_does_not_grow(staff_client, django_assert_num_queries, count):
    for _ in range(count):
        AgreementFactory().cities.add(CityFactory())
    # session, user, 2x permissions, agreements, cities, organisations, themes
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("partners:agreement_export"))
    assert len(_rows(response)) == count + 1


def test_city_and_organisation_selects_keep_the_choice_and_escape_names(staff_client):
    city = CityFactory(name="<b>Graz</b>", country="AT")
    org = OrganizationFactory(name="Org & Co")
    response = staff_client.get(
        reverse("partners:agreement_list"), {"city": city.pk, "organization": org.pk}
    )
    content = response.content.decode()
    assert (
        f'value="{city.pk}" id="id_city_chosen_1" checked data-label="&lt;b&gt;Graz&lt;/b&gt; (AT)"'
        in content
    )
    assert (
        f'value="{org.pk}" id="id_organization_chosen_1" checked data-label="Org &amp; Co"'
        in content
    )
    assert 'id="id_city"' in content
    assert "<b>Graz</b>" not in content


def test_list_and_form_render_only_the_chosen_cities_and_organisations(staff_client):
    chosen = CityFactory(name="Graz")
    CityFactory(name="Linz")
    org = OrganizationFactory(name="Chosen Network")
    OrganizationFactory(name="Unchosen Network")
    listing = staff_client.get(reverse("partners:agreement_list"), {"city": chosen.pk})
    content = listing.content.decode()
    assert "Graz" in content
    assert "Linz" not in content and "Chosen Network" not in content
    assert reverse("partners:option_search") in content
    form = staff_client.get(reverse("partners:agreement_create") + f"?organization={org.pk}")
    body = form.content.decode()
    assert f'name="organizations" value="{org.pk}"' in body and "Chosen Network" in body
    assert "Unchosen Network" not in body and "Linz" not in body


def test_form_accepts_cities_and_organisations_that_were_not_rendered(staff_client):
    city, org = CityFactory(name="Faraway"), OrganizationFactory(name="Far Org")
    data = _form_data(cities=[city.pk], organizations=[org.pk])
    assert staff_client.post(reverse("partners:agreement_create"), data).status_code == 302
    agreement = Agreement.objects.get()
    assert list(agreement.cities.all()) == [city]
    assert list(agreement.organizations.all()) == [org]
