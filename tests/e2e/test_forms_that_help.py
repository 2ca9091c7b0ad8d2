"""Forms that help, in a real browser: the contact picker found by typing part of a name with or
without its accents, a contact created in place from the participant form, and the error
summary that takes the focus and leads to each field. In English and in Hungarian."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from delegations.models import Participant, Visit
from partners.models import Contact
from tests.delegations.factories import VisitFactory
from tests.factories import CityFactory, ContactFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _visit() -> Visit:
    start = timezone.localdate() + dt.timedelta(days=30)
    return VisitFactory(
        title="Graz delegation",
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        cities=[CityFactory(name="Graz")],
    )


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_choose_a_participant_by_typing_with_and_without_accents(
    page, live_server, login, staff_user, lang, t
):
    visit = _visit()
    eva = ContactFactory(first_name="Éva", last_name="Kovács", organization=None, city=None)
    odon = ContactFactory(first_name="Ödön", last_name="Szabó", organization=None, city=None)
    ContactFactory.create_batch(3, last_name="Horváth")
    login(page, live_server, "staff")
    page.goto(f"/delegations/visits/{visit.pk}/participants/new/")
    assert_page_in(page, lang)

    box = page.get_by_role("combobox", name=re.compile(t("contact"), re.I))
    box.press_sequentially("kovacs", delay=30)  # no accents
    option = page.get_by_role("option", name="Éva Kovács")
    expect(option).to_be_visible()
    expect(page.locator("[data-picker] [role=status]").first).to_contain_text("1")
    assert_page_in(page, lang)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"picker-list-\d+-0"))
    box.press("Enter")
    chip = page.locator("#main .picker-chip")
    expect(chip).to_have_text("Éva Kovács")
    expect(page.locator("#main input[type=hidden][name=contact]")).to_have_value(str(eva.pk))

    # Another name replaces the choice; this time typed with its accents.
    box.press_sequentially("Szabó", delay=30)
    page.get_by_role("option", name="Ödön Szabó").click()
    expect(chip).to_have_text("Ödön Szabó")
    expect(page.locator("#main input[type=hidden][name=contact]")).to_have_count(1)
    page.locator("#id_role").fill("Guest")
    page.locator("#main form[method=post]").first.get_by_role("button", name=t("Save")).click()
    expect(page.locator("#participants")).to_contain_text("Ödön Szabó")
    assert_page_in(page, lang)
    assert list(Participant.objects.filter(visit=visit).values_list("contact", flat=True)) == [
        odon.pk
    ]


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_create_a_contact_from_the_participant_form(page, live_server, login, staff_user, lang, t):
    visit = _visit()
    login(page, live_server, "staff")
    page.goto(f"/delegations/visits/{visit.pk}/participants/new/")
    page.get_by_text(t("The person is not a contact yet? Create the contact")).click()
    dialog = page.locator("#new-contact")
    dialog.get_by_label(t("first name")).fill("Zofia")
    dialog.get_by_label(t("last name")).fill("Wójcik")
    assert_page_in(page, lang)
    dialog.get_by_role("button", name=t("Create contact")).click()
    # Created, chosen in the picker, and the page not reloaded.
    expect(page.locator("#main .picker-chip")).to_have_text("Zofia Wójcik")
    expect(dialog).not_to_have_attribute("open", "")
    contact = Contact.objects.get(last_name="Wójcik")
    expect(page.locator("#main input[type=hidden][name=contact]")).to_have_value(str(contact.pk))
    page.locator("#main form[method=post]").first.get_by_role("button", name=t("Save")).click()
    expect(page.locator("#participants")).to_contain_text("Zofia Wójcik")
    assert_page_in(page, lang)
    assert Participant.objects.get(visit=visit).contact == contact


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_a_form_with_two_errors_focuses_its_summary(page, live_server, login, staff_user, lang, t):
    visit = _visit()
    login(page, live_server, "staff")
    page.goto(f"/delegations/visits/{visit.pk}/edit/")
    page.locator("#id_title").fill("")
    page.locator("#id_end_date").fill((visit.start_date - dt.timedelta(days=1)).isoformat())
    page.locator("#main form[method=post]").first.get_by_role("button", name=t("Save")).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    expect(summary.get_by_role("heading")).to_contain_text("2")
    assert_page_in(page, lang)
    summary.locator('a[href="#id_end_date"]').click()
    expect(page.locator("#id_end_date")).to_be_focused()
    summary.locator('a[href="#id_title"]').click()
    expect(page.locator("#id_title")).to_be_focused()
