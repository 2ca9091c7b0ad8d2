"""Names in the reader's language (issue 12, item 5): a city's Hungarian name in the Hungarian
interface and the gazetteer's elsewhere, found by either; themes and the 17 SDGs in both
languages; countries named and sorted in the reader's language; imports that find a theme or a
city by either name and never drop a Hungarian name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from newsletters.models import Subscriber
from partners.models import SDG, City, Contact, Partnership, Theme
from tests.delegations.factories import VisitFactory
from tests.factories import CityFactory, ContactFactory, PartnershipFactory, ProjectFactory
from tests.migrating import migrate_to, migrate_to_latest
from tests.partners.test_imports import confirm, csv_file, preview

pytestmark = pytest.mark.django_db

HU = {"HTTP_ACCEPT_LANGUAGE": "hu"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def vienna():
    return CityFactory(name="Vienna", name_hu="Bécs", country="AT")


@pytest.fixture
def culture():
    theme, _created = Theme.objects.update_or_create(
        slug="culture", defaults={"name_en": "Culture", "name_hu": "Kultúra", "kind": "dimension"}
    )
    return theme


@pytest.fixture
def sdg11():
    goal, _created = SDG.objects.update_or_create(
        number=11,
        defaults={
            "name_en": "Sustainable cities and communities",
            "name_hu": "Fenntartható városok és közösségek",
        },
    )
    return goal


def heading(response) -> str:
    assert response.status_code == 200
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


# --- Cities -------------------------------------------------------------------------------------


def test_city_page_shows_the_hungarian_name_in_hungarian_only(staff_client, vienna):
    url = vienna.get_absolute_url()
    assert heading(staff_client.get(url, **HU)) == "Bécs"
    assert heading(staff_client.get(url, **EN)) == "Vienna"
    # Both names are among the facts, whichever the reader sees in the heading.
    page = staff_client.get(url, **HU).content.decode()
    assert "Vienna" in page and "Ausztria" in page


def test_a_city_without_a_hungarian_name_keeps_the_gazetteers(staff_client):
    graz = CityFactory(name="Graz", country="AT")
    assert heading(staff_client.get(graz.get_absolute_url(), **HU)) == "Graz"
    with translation.override("hu"):
        assert str(graz) == "Graz, Ausztria"
        assert graz.display_name == "Graz"


@pytest.mark.parametrize("query", ["Bécs", "becs", "BECS", "bécs", "Vienna", "vien"])
def test_city_list_search_finds_either_name(staff_client, vienna, query):
    CityFactory(name="Prague", country="CZ")
    response = staff_client.get(reverse("partners:city_list"), {"q": query}, **HU)
    assert list(response.context["cities"]) == [vienna]
    assert "Bécs" in response.content.decode()


@pytest.mark.parametrize("query", ["Bécs", "becs", "Vienna"])
def test_global_search_finds_either_name(staff_client, vienna, query):
    PartnershipFactory(city=vienna)
    response = staff_client.get(reverse("search"), {"q": query}, **HU)
    page = response.content.decode()
    assert "Bécs, Ausztria" in page
    kinds = {group.kind: group for group in response.context["results"]}
    assert [hit.label for hit in kinds["cities"].hits] == ["Bécs, Ausztria"]
    assert len(kinds["partnerships"].hits) == 1


@pytest.mark.parametrize("query", ["becs", "Bécs", "vienna"])
def test_the_searchable_picker_finds_either_name(staff_client, vienna, query):
    url = reverse("partners:option_search")
    response = staff_client.get(url, {"kind": "city", "q": query}, **HU)
    assert response.status_code == 200
    assert response.json()["results"] == [{"value": str(vienna.pk), "label": "Bécs, Ausztria"}]
    response = staff_client.get(url, {"kind": "city", "q": query}, **EN)
    assert response.json()["results"] == [{"value": str(vienna.pk), "label": "Vienna, Austria"}]


def test_partnership_list_and_its_search_in_hungarian(staff_client, vienna):
    PartnershipFactory(city=vienna)
    PartnershipFactory(city=CityFactory(name="Athens", country="GR"))
    url = reverse("partners:partnership_list")
    response = staff_client.get(url, {"q": "becs"}, **HU)
    assert [p.city for p in response.context["page"].object_list] == [vienna]
    assert "Bécs" in response.content.decode()
    # Sorted by the name the reader sees: Athens < Bécs in Hungarian, Athens < Vienna in English.
    response = staff_client.get(url, {"sort": "-city"}, **HU)
    rows = response.context["page"].object_list
    with translation.override("hu"):  # the request ended in the site's language
        assert [p.city.display_name for p in rows] == ["Bécs", "Athens"]


def test_city_list_is_sorted_by_the_name_the_reader_sees(staff_client, vienna):
    CityFactory(name="Kyiv", country="UA")
    url = reverse("partners:city_list")
    cities = staff_client.get(url, **HU).context["cities"]
    with translation.override("hu"):  # the request ended in the site's language
        assert [c.display_name for c in cities] == ["Bécs", "Kyiv"]
    cities = staff_client.get(url, **EN).context["cities"]
    assert [c.display_name for c in cities] == ["Kyiv", "Vienna"]


@pytest.mark.parametrize("query", ["becs", "Bécs", "Vienna"])
def test_contact_list_city_filter_finds_either_name(staff_client, vienna, query):
    contact = ContactFactory(city=vienna)
    ContactFactory(city=CityFactory(name="Graz", country="AT"))
    response = staff_client.get(reverse("partners:contact_list"), {"city_name": query}, **HU)
    assert response.status_code == 200
    assert contact.get_absolute_url() in response.content.decode()
    assert "Graz" not in response.content.decode()


def test_visit_pages_name_the_city_in_the_readers_language(staff_client, vienna):
    visit = VisitFactory(cities=[vienna])
    page = staff_client.get(visit.get_absolute_url(), **HU).content.decode()
    assert ">Bécs</a>" in page
    # The visit list's city filter: the cities that have visits, named for the reader.
    page = staff_client.get(reverse("delegations:visit_list"), **HU).content.decode()
    assert f'<option value="{vienna.pk}">Bécs, Ausztria</option>' in page
    page = staff_client.get(reverse("delegations:visit_list"), **EN).content.decode()
    assert f'<option value="{vienna.pk}">Vienna, Austria</option>' in page


def test_partnership_form_names_the_city_in_the_readers_language(staff_client, vienna):
    """A walk-through found "Warsaw, Lengyelország" in the new partnership's city choice."""
    url = reverse("partners:partnership_update", args=[PartnershipFactory(city=vienna).pk])
    page = staff_client.get(url, **HU).content.decode()
    assert f'value="{vienna.pk}" id="id_city_chosen_1" checked data-label="Bécs, Ausztria"' in page
    page = staff_client.get(url, **EN).content.decode()
    assert f'value="{vienna.pk}" id="id_city_chosen_1" checked data-label="Vienna, Austria"' in page


def test_agreement_list_city_filter_names_the_city_in_the_readers_language(staff_client, vienna):
    url = reverse("partners:agreement_list") + f"?city={vienna.pk}"
    page = staff_client.get(url, **HU).content.decode()
    assert "Bécs (AT)" in page and "Vienna (AT)" not in page
    page = staff_client.get(url, **EN).content.decode()
    assert "Vienna (AT)" in page


def test_map_data_names_the_city_in_the_readers_language(staff_client, vienna):
    PartnershipFactory(city=vienna)
    response = staff_client.get(reverse("partners:map_data"), **HU)
    (marker,) = json.loads(response.content)["partnerships"]
    assert (marker["city"], marker["country"]) == ("Bécs", "Ausztria")
    response = staff_client.get(reverse("partners:map_data"), **EN)
    (marker,) = json.loads(response.content)["partnerships"]
    assert (marker["city"], marker["country"]) == ("Vienna", "Austria")


def test_partnership_export_names_the_city_in_the_readers_language(staff_client, vienna):
    PartnershipFactory(city=vienna)
    response = staff_client.get(reverse("partners:partnership_export"), **HU)
    body = response.content.decode("utf-8-sig")
    assert "Bécs" in body and "Ausztria" in body


def test_city_form_saves_the_hungarian_name(staff_client):
    data = {"name": "Warsaw", "name_hu": "Varsó", "country": "PL", "region": ""}
    response = staff_client.post(reverse("partners:city_create"), data)
    assert response.status_code == 302
    city = City.objects.get(name="Warsaw")
    assert (city.name_hu, city.search_names) == ("Varsó", "warsaw varso")


def test_search_names_follow_a_changed_name(vienna):
    vienna.name_hu = "Bécsújhely"
    vienna.save(update_fields=["name_hu"])
    vienna.refresh_from_db()
    assert vienna.search_names == "vienna becsujhely"


def test_city_history_shows_the_name_change_not_the_search_text(staff_client, vienna):
    vienna.name_hu = "Bécsváros"
    vienna.save()
    response = staff_client.get(vienna.get_absolute_url(), **HU)
    (change,) = response.context["history"][0]["changes"]
    assert (change["field"], change["old"], change["new"]) == ("Magyar név", "Bécs", "Bécsváros")


# --- City imports -------------------------------------------------------------------------------


# A name typed with accents finds one stored without ("Zürich" finds the gazetteer's Zurich):
# every city search folds what is typed as ``search_names`` is folded.
TYPED_ZURICH = ["Zürich", "ZÜRICH", "zurich"]


@pytest.fixture
def zurich():
    return CityFactory(name="Zurich", country="CH")


@pytest.fixture
def graz():
    return CityFactory(name="Graz", country="AT")


@pytest.mark.parametrize("query", TYPED_ZURICH)
def test_city_list_search_folds_what_is_typed(staff_client, zurich, graz, query):
    response = staff_client.get(reverse("partners:city_list"), {"q": query}, **EN)
    assert list(response.context["cities"]) == [zurich]


@pytest.mark.parametrize("query", TYPED_ZURICH)
def test_partnership_list_search_folds_what_is_typed(staff_client, zurich, graz, query):
    partnership = PartnershipFactory(city=zurich)
    PartnershipFactory(city=graz)
    response = staff_client.get(reverse("partners:partnership_list"), {"q": query}, **EN)
    assert list(response.context["page"].object_list) == [partnership]


@pytest.mark.parametrize("param", ["city_name", "q"])
@pytest.mark.parametrize("query", TYPED_ZURICH)
def test_contact_list_city_filter_and_search_fold_what_is_typed(
    staff_client, zurich, graz, param, query
):
    contact = ContactFactory(city=zurich, last_name="Keller")
    ContactFactory(city=graz, last_name="Gruber")
    response = staff_client.get(reverse("partners:contact_list"), {param: query}, **EN)
    page = response.content.decode()
    assert contact.get_absolute_url() in page and "Gruber" not in page


@pytest.mark.parametrize("query", ["Zürich", "ZÜRICH"])
def test_the_searchable_picker_folds_what_is_typed(staff_client, zurich, graz, query):
    partnership = PartnershipFactory(city=zurich)
    PartnershipFactory(city=graz)
    url = reverse("partners:option_search")
    response = staff_client.get(url, {"kind": "city", "q": query})
    assert response.json()["results"] == [{"value": str(zurich.pk), "label": "Zurich, Switzerland"}]
    response = staff_client.get(url, {"kind": "partnership", "q": query})
    assert response.json()["results"] == [{"value": str(partnership.pk), "label": str(partnership)}]


@pytest.mark.parametrize("query", TYPED_ZURICH)
def test_global_search_folds_what_is_typed(staff_client, zurich, graz, query):
    PartnershipFactory(city=zurich)
    response = staff_client.get(reverse("search"), {"q": query}, **EN)
    kinds = {group.kind: group for group in response.context["results"]}
    assert [hit.label for hit in kinds["cities"].hits] == ["Zurich, Switzerland"]
    assert len(kinds["partnerships"].hits) == 1


@pytest.mark.parametrize("query", TYPED_ZURICH)
def test_the_admin_search_and_city_autocomplete_fold_what_is_typed(
    admin_client, zurich, graz, query
):
    partnership = PartnershipFactory(city=zurich)
    PartnershipFactory(city=graz)
    response = admin_client.get(reverse("admin:partners_city_changelist"), {"q": query})
    assert list(response.context["cl"].result_list) == [zurich]
    response = admin_client.get(reverse("admin:partners_partnership_changelist"), {"q": query})
    assert list(response.context["cl"].result_list) == [partnership]
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": query, "app_label": "partners", "model_name": "partnership", "field_name": "city"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(zurich.pk)]


def test_global_search_still_finds_a_region_as_written(staff_client):
    CityFactory(name="Paris", country="FR", region="Île-de-France")
    response = staff_client.get(reverse("search"), {"q": "Île"}, **EN)
    kinds = {group.kind: group for group in response.context["results"]}
    assert [hit.label for hit in kinds["cities"].hits] == ["Paris, France"]


def test_city_import_reads_the_hungarian_name_column(staff_client):
    text = "name,name_hu,country\nKraków,Krakkó,PL\n"
    token, _response = preview(staff_client, "cities", csv_file(text))
    confirm(staff_client, token)
    city = City.objects.get(name="Kraków")
    assert (city.name_hu, city.search_names) == ("Krakkó", "krakow krakko")


@pytest.mark.parametrize(
    "text", ["name,country,population\nVienna,AT,2000000\n", "name,name_hu,country\nVienna,,AT\n"]
)
def test_city_import_without_a_hungarian_name_keeps_the_one_there_is(staff_client, vienna, text):
    token, _response = preview(staff_client, "cities", csv_file(text))
    confirm(staff_client, token)
    vienna.refresh_from_db()
    assert vienna.name_hu == "Bécs"


def test_partnership_import_finds_the_city_by_its_hungarian_name(staff_client, vienna):
    text = "city,country,level\nBécs,Ausztria,sister\n"
    token, response = preview(staff_client, "partnerships", csv_file(text))
    assert not response.context["report"].has_errors
    confirm(staff_client, token)
    assert Partnership.objects.get().city == vienna


def test_import_prefers_the_gazetteer_name_to_another_citys_hungarian_name(staff_client):
    """Giving Komárno its Hungarian name, Komárom, must not make "Komárom" ambiguous in a file
    that named the Hungarian town before: the gazetteer's name wins, the Hungarian one is a
    fallback."""
    komarom = CityFactory(name="Komárom", country="HU")
    komarno = CityFactory(name="Komárno", name_hu="Komárom", country="SK")
    text = "last_name,city\nKovács,Komárom\nNagy,Komárno\n"
    token, response = preview(staff_client, "contacts", csv_file(text))
    assert not response.context["report"].has_errors
    confirm(staff_client, token)
    assert dict(Contact.objects.values_list("last_name", "city")) == {
        "Kovács": komarom.pk,
        "Nagy": komarno.pk,
    }


# --- Themes and SDGs ----------------------------------------------------------------------------


def test_theme_and_sdg_names_on_the_partnership_page(staff_client, vienna, culture, sdg11):
    partnership = PartnershipFactory(city=vienna)
    partnership.themes.add(culture)
    partnership.sdgs.add(sdg11)
    url = partnership.get_absolute_url()
    page = staff_client.get(url, **HU).content.decode()
    assert "Kultúra" in page and "11. FFC: Fenntartható városok és közösségek" in page
    assert "Sustainable cities" not in page
    page = staff_client.get(url, **EN).content.decode()
    assert "Culture" in page and "SDG 11: Sustainable cities and communities" in page
    assert "Kultúra" not in page


def test_theme_and_sdg_names_on_the_project_pages_and_filters(staff_client, culture, sdg11):
    project = ProjectFactory()
    project.themes.add(culture)
    project.sdgs.add(sdg11)
    response = staff_client.get(reverse("partners:project_list"), **HU)
    page = response.content.decode()
    assert "11. FFC" in page and "Kultúra" in page
    # The filters' choices
    assert f'<option value="{culture.pk}">Kultúra</option>' in page
    assert (
        f'<option value="{sdg11.pk}">11. FFC: Fenntartható városok és közösségek</option>' in page
    )
    page = staff_client.get(project.get_absolute_url(), **HU).content.decode()
    assert "Kultúra" in page and "11. FFC: Fenntartható városok és közösségek" in page


def test_filtering_by_a_theme_works_in_either_language(staff_client, culture):
    partnership = PartnershipFactory()
    partnership.themes.add(culture)
    PartnershipFactory()
    for headers in (HU, EN):
        response = staff_client.get(
            reverse("partners:partnership_list"), {"theme": culture.pk}, **headers
        )
        assert list(response.context["page"].object_list) == [partnership]


def test_a_theme_without_a_hungarian_name_falls_back_to_english():
    theme = Theme.objects.create(name_en="Smart city", slug="smart-city")
    with translation.override("hu"):
        assert str(Theme.objects.get(pk=theme.pk)) == "Smart city"
    assert theme.name_hu is None  # NULL, so several themes may lack one (the column is unique)
    Theme.objects.create(name_en="Water", slug="water")


def test_a_name_names_one_theme_in_every_language(culture):
    clash = Theme(name_en="Kultúra", slug="kultura")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "name_en" in error.value.message_dict
    Theme(name_en="Sport", name_hu="Sport", slug="sport").full_clean()  # its own name twice


def test_the_admin_edits_both_names_and_refuses_a_clash(admin_client, culture):
    url = reverse("admin:partners_theme_add")
    page = admin_client.get(url).content.decode()
    assert 'name="name_en"' in page and 'name="name_hu"' in page
    data = {"name_en": "Culture clash", "name_hu": "Culture", "slug": "clash", "kind": "topic"}
    data |= {"order": 0, "description_en": "", "description_hu": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error; no 500
    assert "Another theme is already called “Culture”." in response.content.decode()
    data["name_hu"] = "Kulturális ütközés"
    assert admin_client.post(url, data).status_code == 302
    with translation.override("hu"):
        assert str(Theme.objects.get(slug="clash")) == "Kulturális ütközés"


def test_subscriber_import_finds_a_topic_by_either_name(staff_client, culture):
    text = (
        "email,name,language,topics,consent_evidence,consent_date\n"
        "hu@mail.example,,hu,Kultúra,Paper form,2026-04-12\n"
        "en@mail.example,,en,culture,Paper form,2026-04-12\n"
    )
    upload = {"file": csv_file(text, "subscribers.csv")}
    response = staff_client.post(reverse("newsletters:subscriber_import"), upload)
    assert response.status_code == 302
    for email in ("hu@mail.example", "en@mail.example"):
        assert list(Subscriber.objects.get(email=email).topics.all()) == [culture]


# --- Countries ----------------------------------------------------------------------------------


def test_country_choices_are_named_and_sorted_in_the_readers_language(staff_client):
    def options(headers) -> list[str]:
        page = staff_client.get(reverse("partners:city_list"), **headers).content.decode()
        pattern = r'<option value="(AT|DE|HU|JP)"[^>]*>([^<]+)</option>'
        return [f"{code} {name}" for code, name in re.findall(pattern, page)]

    assert options(EN) == ["AT Austria", "DE Germany", "HU Hungary", "JP Japan"]
    assert options(HU) == ["AT Ausztria", "JP Japán", "HU Magyarország", "DE Németország"]


def test_gazetteer_suggestions_name_the_country_in_the_readers_language(staff_client):
    url = reverse("partners:city_suggest")
    assert "Vienna, Ausztria" in staff_client.get(url, {"q": "Vienna"}, **HU).content.decode()
    assert "Vienna, Austria" in staff_client.get(url, {"q": "Vienna"}, **EN).content.decode()


# --- Migration ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_every_name_and_adds_the_hungarian_ones():
    old = migrate_to([("partners", "0011_version")])
    try:
        Theme_ = old.get_model("partners", "Theme")
        SDG_ = old.get_model("partners", "SDG")
        City_ = old.get_model("partners", "City")
        # (Update or create: a flush by an earlier test may have removed the seeded rows.)
        Theme_.objects.update_or_create(
            slug="culture", defaults={"name": "Culture", "description": "Arts."}
        )
        Theme_.objects.update_or_create(slug="security", defaults={"name": "Security"})
        Theme_.objects.create(name="Urban farming", slug="urban-farming", description="Ours.")
        Theme_.objects.create(name="Kultúra", slug="kultura", description="Clashes.")
        SDG_.objects.update_or_create(number=11, defaults={"name": "Sustainable cities"})
        SDG_.objects.update_or_create(number=17, defaults={"name": "Partnerships for the goals"})
        City_.objects.create(name="Kraków", country="PL", version=1)

        new = migrate_to([("partners", "0013_hungarian_names")])
        themes = {
            t.slug: (t.name_en, t.name_hu, t.description_en)
            for t in new.get_model("partners", "Theme").objects.all()
        }
        # Staff's own theme keeps its name; the seeded one does not take a name already used.
        assert themes["urban-farming"] == ("Urban farming", None, "Ours.")
        assert themes["kultura"] == ("Kultúra", None, "Clashes.")
        assert themes["culture"] == ("Culture", None, "Arts.")
        assert themes["security"][:2] == ("Security", "Biztonság")
        sdg = new.get_model("partners", "SDG").objects.get(number=11)
        assert (sdg.name_en, sdg.name_hu) == (
            "Sustainable cities",
            "Fenntartható városok és közösségek",
        )
        assert new.get_model("partners", "SDG").objects.get(number=17).name_hu == (
            "Partnerség a célok eléréséért"
        )
        city = new.get_model("partners", "City").objects.get()
        assert (city.name, city.name_hu, city.search_names) == ("Kraków", "", "krakow")
    finally:
        migrate_to_latest()


def test_countries_are_named_by_the_one_helper():
    """``partners.geo.country_name`` names a country in the reader's language, kept once per
    language: a page that asks django-countries itself (``countries.name``) or builds its own
    table of names duplicates it, and its names may drift from every other page's."""
    root = Path(__file__).resolve().parents[2]
    # A choice list may iterate ``countries`` (sorted by name); a lookup table may not.
    own_lookup = re.compile(r"countries\.name\(|\{\w+: [^}]* for \w+, \w+ in countries\b")
    offenders = [
        str(path.relative_to(root))
        for app in ("cityrelations", "partners", "delegations", "newsletters")
        for path in (root / app).rglob("*.py")
        if path != root / "partners" / "geo.py" and own_lookup.search(path.read_text())
    ]
    assert offenders == []
