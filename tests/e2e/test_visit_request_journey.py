"""An embassy asks for a visit through the public form (in the browser's language, with its
letter as a PDF), receives the acknowledgement in that language, and staff accept the request
from the triage queue and find a draft visit with everything filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from cityrelations.core.models import AccountSettings
from delegations.models import Visit, VisitRequest
from tests.delegations.test_visit_requests import pdf_bytes

from .untranslated import assert_email_in, assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_fits_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways at 390 px"


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_an_embassy_asks_for_a_visit_and_staff_accept_it(
    page, live_server, login, staff_user, lang, t
):
    AccountSettings.objects.create(user=staff_user, language=lang)
    start = dt.date.today() + dt.timedelta(days=40)

    # The embassy finds the form from the site's front door and fills it in, on a phone.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name=t("Request a visit or a meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Request a visit or a meeting"))
    assert_page_in(page, lang)
    assert_fits_a_phone(page)
    page.get_by_label(t("Embassy or consulate")).check()
    page.locator("#id_organization_name").fill("Embassy of Japan")
    page.locator("#id_country").select_option("JP")
    page.locator("#id_first_name").fill("Aiko")
    page.locator("#id_last_name").fill("Tanaka")
    page.locator("#id_role").fill("First Secretary")
    page.locator("#id_email").fill("aiko.tanaka@embassy.example")
    page.get_by_label(t("We would like to visit the city")).check()
    page.locator("#id_date_from").fill(start.isoformat())
    page.locator("#id_date_to").fill((start + dt.timedelta(days=1)).isoformat())
    page.locator("#id_level").select_option("mayor")
    page.locator("#id_delegation_size").fill("4")
    page.locator("#id_purpose").fill("A courtesy call on the mayor by the new ambassador.")
    page.locator("#id_letter").set_input_files(
        {"name": "note-verbale.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.locator("#id_consent").check()
    page.get_by_role("button", name=t("Send the request")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Thank you for your request"))
    assert_page_in(page, lang)
    request = VisitRequest.objects.get()
    assert request.language == lang and request.letter
    assert [m.to for m in mail.outbox] == [["aiko.tanaka@embassy.example"]]
    assert_email_in(page, mail.outbox[0], lang)

    # Staff find it in the queue, open it and accept it.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/delegations/requests/?status=new")
    assert_page_in(page, lang)
    assert_fits_a_phone(page)
    page.get_by_role("link", name="Embassy of Japan").click()
    assert_page_in(page, lang)
    page.get_by_role("link", name=t("Accept"), exact=True).click()
    assert_page_in(page, lang)
    page.get_by_role("button", name=t("Accept and create the draft visit")).click()

    # The draft visit, with everything from the request.
    visit = Visit.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(visit.title)
    assert_page_in(page, lang)
    assert visit.status == Visit.Status.DRAFT and visit.owner == staff_user
    assert (visit.start_date, visit.end_date) == (start, start + dt.timedelta(days=1))
    assert (visit.direction, visit.level) == ("incoming", "mayor")
    assert [o.name for o in visit.organizations.all()] == ["Embassy of Japan"]
    participant = visit.participants.get()
    assert participant.contact.email == "aiko.tanaka@embassy.example"
    assert participant.role == "First Secretary"
    expect(page.locator("#main")).to_contain_text("Embassy of Japan")
    expect(page.locator("#main")).to_contain_text("Tanaka")
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.ACCEPTED and request.visit == visit
    assert page.console_errors == []
