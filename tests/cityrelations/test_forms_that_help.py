"""Forms that help (issue 13, item 5): one searchable picker wherever a contact, city,
organisation or partnership is chosen (never a <select> of them all), checkboxes instead of
Ctrl-click lists, an error summary on every form, and the rules the forms enforce."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cityrelations.core.pickers import MATCHES_SHOWN
from delegations.models import AgendaItem, Participant, Visit
from partners.models import Contact, Interaction, Office, Partnership
from tests.delegations.factories import VisitFactory
from tests.editing import with_version
from tests.factories import (
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
)
from tests.newsletters.factories import ThemeFactory
from tests.partners.test_imports import csv_file, preview

pytestmark = pytest.mark.django_db

SELECT = re.compile(r"<select\b[^>]*>", re.S)


@pytest.fixture
def home(settings):
    return CityFactory(name=settings.HOME_CITY["name"], country=settings.HOME_CITY["country"])


@pytest.fixture
def records():
    city = CityFactory(name="Vienna")
    organization = OrganizationFactory(name="Forms test network")
    contact = ContactFactory(first_name="Éva", last_name="Kovács", city=city)
    partnership = PartnershipFactory(city=city)
    visit = VisitFactory(cities=[city], partnership=partnership)
    participant = Participant.objects.create(visit=visit, contact=contact)
    membership = MembershipFactory(organization=organization, focal_point=contact)
    office = Office.objects.create(
        title="Mayor", contact=contact, city=city, organization=organization
    )
    interaction = InteractionFactory(partnership=partnership)
    interaction.contacts.add(contact)
    return {
        "city": city,
        "organization": organization,
        "contact": contact,
        "partnership": partnership,
        "visit": visit,
        "participant": participant,
        "membership": membership,
        "office": office,
        "interaction": interaction,
    }


def _form_pages(r: dict) -> list[str]:
    visit = r["visit"].pk
    return [
        reverse("partners:partnership_create"),
        reverse("partners:partnership_update", args=[r["partnership"].pk]),
        reverse("partners:organization_create"),
        reverse("partners:membership_create"),
        reverse("partners:membership_update", args=[r["membership"].pk]),
        reverse("partners:agreement_create"),
        reverse("partners:contact_create"),
        reverse("partners:contact_update", args=[r["contact"].pk]),
        reverse("partners:office_create") + f"?contact={r['contact'].pk}",
        reverse("partners:office_update", args=[r["office"].pk]),
        reverse("partners:interaction_create"),
        reverse("partners:interaction_update", args=[r["interaction"].pk]),
        reverse("partners:project_create"),
        reverse("delegations:visit_create"),
        reverse("delegations:visit_update", args=[visit]),
        reverse("delegations:participant_create", args=[visit]),
        reverse("delegations:participant_update", args=[r["participant"].pk]),
        reverse("delegations:agenda_item_create", args=[visit]),
        reverse("delegations:gift_create"),
    ]


def test_no_form_lists_every_contact_city_or_organisation(staff_client, records):
    """Every <select> left on a form page lists none of the many rows (here: a record that is
    in no way linked, which a full list would name)."""
    CityFactory(name="Unlinked town")
    OrganizationFactory(name="Unlinked society")
    ContactFactory(first_name="Unlinked", last_name="Person")
    for url in _form_pages(records):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Unlinked" not in page, url
        for select in SELECT.findall(page):
            name = re.search(r'name="([^"]+)"', select)
            assert name and name.group(1) not in {
                "city",
                "cities",
                "contact",
                "contacts",
                "organization",
                "organizations",
                "partnership",
                "partnerships",
                "focal_point",
                "head_of_delegation",
                "counterpart_contact",
            }, (url, select)
        assert "<select multiple" not in page and " multiple>" not in page, url
        assert not re.search(r"<select[^>]*\bmultiple\b", page), url


def test_themes_and_sdgs_are_checkboxes_on_the_visit_form(staff_client):
    theme = ThemeFactory(name="Forms theme four")
    page = staff_client.get(reverse("delegations:visit_create")).content.decode()
    assert f'type="checkbox" class="form-check-input"  name="themes" value="{theme.pk}"' in page


def test_the_picker_renders_only_the_chosen_values(staff_client, records):
    url = reverse("delegations:visit_update", args=[records["visit"].pk])
    page = staff_client.get(url).content.decode()
    city = records["city"]
    assert f'name="cities" value="{city.pk}" id="id_cities_chosen_1" checked' in page
    assert 'role="combobox"' not in page  # added by picker.js; the HTML works without it
    assert 'name="cities__search"' in page
    assert f'data-url="{reverse("partners:option_search")}?kind=city"' in page


def test_without_javascript_one_match_is_chosen_and_several_are_offered(staff_client, records):
    visit = records["visit"]
    ContactFactory(first_name="Eva", last_name="Kovacs-Nagy")
    url = reverse("delegations:participant_create", args=[visit.pk])
    other = ContactFactory(first_name="Ödön", last_name="Szabó")
    response = staff_client.post(url, {"contact__search": "odon szabo", "precedence": 1})
    assert response.status_code == 302
    assert Participant.objects.filter(visit=visit, contact=other).exists()

    response = staff_client.post(url, {"contact__search": "kovacs", "precedence": 1})
    assert response.status_code == 200
    error = " ".join(response.context["form"].errors["contact"])
    assert "Several match “kovacs”" in error
    page = response.content.decode()
    assert 'name="contact" value="' in page and "Kovacs-Nagy" in page
    response = staff_client.post(url, {"contact__search": "nobody-like-this", "precedence": 1})
    assert "Nothing matches" in " ".join(response.context["form"].errors["contact"])


def test_the_search_endpoint_is_capped_and_says_so(staff_client):
    ContactFactory.create_batch(MATCHES_SHOWN + 2, last_name="Namesake")
    data = staff_client.get(
        reverse("partners:option_search"), {"kind": "contact", "q": "namesake"}
    ).json()
    assert len(data["results"]) == MATCHES_SHOWN and data["more"] is True
    assert "type more of the name" in data["status"]


def test_the_search_endpoint_needs_the_view_permission(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    url = reverse("partners:option_search")
    assert client.get(url, {"kind": "contact", "q": "a"}).status_code == 403


# --- Error summary --------------------------------------------------------------------------------


def test_a_form_with_two_problems_has_a_summary_linking_to_both(staff_client, records):
    url = reverse("delegations:visit_update", args=[records["visit"].pk])
    data = {"title": "", "start_date": "2030-05-03", "end_date": "2030-05-01"}
    response = staff_client.post(url, with_version(data, records["visit"]))
    page = response.content.decode()
    summary = page.split("data-error-summary")[1].split("</div>")[0]
    count = sum(len(errors) for errors in response.context["form"].errors.values())
    assert count >= 2 and summary.count("<li>") == count
    assert f"There are {count} problems" in summary
    assert 'href="#id_title"' in summary and 'href="#id_end_date"' in summary
    assert 'tabindex="-1"' in page.split("data-error-summary")[0][-200:]


def test_the_summary_doubles_no_punctuation_after_a_label(client):
    """A question keeps its mark without a colon; a sentence-long label loses its full stop."""
    response = client.post(reverse("delegations:visit_request_new"), {"dates_note": "May"})
    summary = response.content.decode().split("data-error-summary")[1].split("</div>")[0]
    assert "What would you like? This field is required." in summary
    assert "to answer this request: This field is required." in summary
    assert "?:" not in summary and ".:" not in summary


def test_no_summary_before_a_form_is_sent(staff_client):
    assert b"data-error-summary" not in staff_client.get(reverse("partners:contact_create")).content


# --- The rules ------------------------------------------------------------------------------------


def test_the_home_city_cannot_be_a_partner(staff_client, home):
    response = staff_client.post(
        reverse("partners:partnership_create"),
        {"city": home.pk, "level": "partner", "status": "proposed"},
    )
    assert response.status_code == 200
    assert "is our own city" in " ".join(response.context["form"].errors["city"])
    assert not Partnership.objects.exists()


def test_the_partnership_import_refuses_the_home_city(staff_client, home):
    _token, response = preview(
        staff_client,
        "partnerships",
        csv_file(f"city,country,level\n{home.name},{home.country},sister\n"),
    )
    report = response.context["report"]
    assert report.has_errors
    assert "is our own city" in report.rows[0].errors[0].message


@pytest.mark.parametrize("direction", ["incoming", "outgoing"])
def test_agenda_items_in_the_home_city_only_for_incoming_visits(staff_client, home, direction):
    visit = VisitFactory(direction=direction, cities=[CityFactory(name="Vienna")])
    url = reverse("delegations:agenda_item_create", args=[visit.pk])
    data = {"date": visit.start_date.isoformat(), "title": "City hall tour", "city": home.pk}
    response = staff_client.post(url, data)
    if direction == Visit.Direction.INCOMING:
        assert response.status_code == 302
        assert AgendaItem.objects.get().city == home
    else:
        assert "city" in response.context["form"].errors
        assert not AgendaItem.objects.exists()


def test_a_new_interaction_from_a_partnership_inherits_its_themes(staff_client):
    culture, transport = ThemeFactory(name="Forms theme one"), ThemeFactory(name="Forms theme two")
    ThemeFactory(name="Forms theme three")
    partnership = PartnershipFactory()
    partnership.themes.set([culture, transport])
    url = reverse("partners:interaction_create") + f"?partnership={partnership.pk}"
    form = staff_client.get(url).context["form"]
    assert set(form.initial["themes"]) == {culture, transport}
    page = staff_client.get(url).content.decode()
    assert re.search(rf'value="{culture.pk}"[^>]*checked', page)
    data = {
        "kind": "meeting",
        "occurred_on": "2030-01-02",
        "subject": "Call",
        "partnership": partnership.pk,
        "themes": [culture.pk],
    }
    assert staff_client.post(url, data).status_code == 302
    assert list(Interaction.objects.get().themes.all()) == [culture]


# --- A contact created from the participant form ----------------------------------------------


def test_a_contact_created_in_place_answers_json(staff_client):
    url = reverse("partners:contact_create")
    accept = {"HTTP_ACCEPT": "application/json"}
    response = staff_client.post(url, {"first_name": "Ana", "last_name": "Lopes"}, **accept)
    assert response.status_code == 201
    contact = Contact.objects.get(last_name="Lopes")
    assert response.json() == {"value": str(contact.pk), "label": "Ana Lopes"}
    refused = staff_client.post(url, {"first_name": "Ana"}, **accept)
    assert refused.status_code == 400
    assert refused.json()["errors"]


def test_without_javascript_the_new_contact_comes_back_chosen(staff_client, records):
    visit = records["visit"]
    back = reverse("delegations:participant_create", args=[visit.pk])
    page = staff_client.get(back).content.decode()
    assert 'id="new-contact"' in page and "next=" in page
    response = staff_client.post(
        reverse("partners:contact_create") + f"?next={back}",
        {"first_name": "Ana", "last_name": "Lopes"},
    )
    contact = Contact.objects.get(last_name="Lopes")
    assert response.url == f"{back}?contact={contact.pk}"
    page = staff_client.get(response.url).content.decode()
    assert f'name="contact" value="{contact.pk}" id="id_contact_chosen_1" checked' in page


def test_the_mayors_office_gets_no_create_contact_form(mayor_client, records):
    visit = records["visit"]
    url = reverse("partners:contact_create")
    assert mayor_client.post(url, {"last_name": "X"}).status_code == 403
    assert visit.pk  # the participant form itself is for the unit only


# --- Search text that holds nothing to look for -----------------------------------------------


@pytest.mark.parametrize("kind", ["city", "organization", "contact", "partnership"])
def test_a_nul_byte_in_the_search_endpoint_is_not_an_error(staff_client, records, kind):
    url = reverse("partners:option_search")
    response = staff_client.get(url, {"kind": kind, "q": "\x00"})
    assert response.status_code == 200
    assert response.json()["results"] == []
    response = staff_client.get(url, {"kind": "contact", "q": "kov\x00"})
    assert response.status_code == 200


def test_a_nul_byte_typed_without_javascript_is_not_an_error(staff_client, records):
    visit = records["visit"]
    url = reverse("delegations:participant_create", args=[visit.pk])
    response = staff_client.post(url, {"contact__search": "a\x00b", "precedence": 1})
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    response = staff_client.post(url, {"contact__search": "kov\x00acs", "precedence": 1})
    assert response.status_code == 200
    response = staff_client.post(url, {"contact": "1\x00", "precedence": 1})
    assert response.status_code == 200


def test_a_lone_accent_matches_nothing_and_asks_to_type(staff_client, records):
    url = reverse("partners:option_search")
    data = staff_client.get(url, {"kind": "contact", "q": "\u0301"}).json()
    assert data["results"] == [] and data["more"] is False
    assert data["status"].startswith("Type part of a name")
    data = staff_client.get(url, {"kind": "contact", "q": "kovacs \u0301"}).json()
    assert [r["value"] for r in data["results"]] == [str(records["contact"].pk)]

    visit = records["visit"]
    create = reverse("delegations:participant_create", args=[visit.pk])
    response = staff_client.post(create, {"contact__search": "\u0301", "precedence": 1})
    assert response.status_code == 200
    errors = " ".join(str(e) for errs in response.context["form"].errors.values() for e in errs)
    assert "Several match" not in errors and "Nothing matches" not in errors
    assert not Participant.objects.filter(visit=visit).exclude(contact=records["contact"]).exists()


def test_a_duplicate_created_in_place_is_named_to_be_chosen_in_the_picker(staff_client, records):
    existing = records["contact"]
    existing.email = "eva.kovacs@example.org"
    existing.save()
    url = reverse("partners:contact_create")
    data = {"first_name": "Eva", "last_name": "Kovacs", "email": "EVA.KOVACS@example.org"}
    refused = staff_client.post(url, data, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    [message] = refused.json()["errors"]
    assert "Éva Kovács" in message and "contact picker" in message
    assert "below" not in message and "Create anyway" not in message
    assert [d["value"] for d in refused.json()["duplicates"]] == [str(existing.pk)]
    assert Contact.objects.count() == 1


def test_without_javascript_a_duplicate_can_be_chosen_instead(staff_client, records):
    existing = records["contact"]
    existing.email = "eva.kovacs@example.org"
    existing.save()
    back = reverse("delegations:participant_create", args=[records["visit"].pk])
    data = {"first_name": "Eva", "last_name": "Kovacs", "email": "eva.kovacs@example.org"}
    response = staff_client.post(reverse("partners:contact_create") + f"?next={back}", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{back}?contact={existing.pk}"' in page
    assert "Choose Éva Kovács instead" in page
    assert "duplicates listed above" in page and "duplicates below" not in page
    assert 'type="checkbox" name="create_anyway"' in page
    assert Contact.objects.count() == 1


def test_a_form_wide_error_is_shown_once_in_the_summary(staff_client, records):
    records["contact"].email = "eva.kovacs@example.org"
    records["contact"].save()
    data = {"first_name": "Eva", "last_name": "Kovacs", "email": "eva.kovacs@example.org"}
    response = staff_client.post(reverse("partners:contact_create"), data)
    page = response.content.decode()
    assert page.count("This looks like a contact that already exists.") == 1
    summary = page.split("data-error-summary")[1].split("</div>")[0]
    assert "This looks like a contact that already exists." in summary
    assert 'class="alert alert-block alert-danger"' not in page
