"""Staff run an Academy course's day on a phone: check a registrant in with one tap (htmx: the
row and the counts change in place), record attendance at a session, then download the name
badges and the certificates of those who attended enough sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from delegations.models import SessionAttendance
from tests.delegations.factories import EventFactory, EventSessionFactory, RegistrationFactory

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_staff_check_in_on_a_phone_and_download_badges_and_certificates(
    page, live_server, login, staff_user, lang, t
):
    course = EventFactory(
        title_en="Academy of City Diplomacy: spring course",
        title_hu="Városdiplomáciai Akadémia: tavaszi kurzus",
    )
    first = EventSessionFactory(event=course, title_en="Protocol", title_hu="Protokoll")
    second = EventSessionFactory(event=course, title_en="Negotiation", title_hu="Tárgyalás")
    anna = RegistrationFactory(event=course, name="Anna Huber", language="en")
    bela = RegistrationFactory(event=course, name="Béla Kovács", language="hu")
    for registration in (anna, bela):
        SessionAttendance.objects.create(registration=registration, session=first)

    page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("link", name=t("Check-in"), exact=True).click()
    counts = page.locator("#checkin-counts")
    expect(counts.locator("strong")).to_have_text("0")
    _fits(page)
    assert_page_in(page, lang)

    # Search by name, then one tap: the row and the counts change without a reload.
    page.get_by_label(t("Search by name")).fill("Kovács")
    row = page.locator(f"#checkin-{bela.pk}")
    expect(page.locator(f"#checkin-{anna.pk}")).to_have_count(0)
    row.get_by_role("button", name=t("Check in")).click()
    expect(row.get_by_role("button", name=t("Undo"))).to_be_visible()
    expect(counts.locator("strong")).to_have_text("1")

    # The second session: Anna was there (she has both sessions now, Béla one of two).
    page.get_by_label(t("Search by name")).fill("")
    page.get_by_label(t("Where")).select_option(str(second.pk))
    anna_row = page.locator(f"#checkin-{anna.pk}")
    anna_row.get_by_role("button", name=t("Present")).click()
    expect(anna_row.get_by_role("button", name=t("Undo"))).to_be_visible()
    expect(counts.locator("strong")).to_have_text("1")
    _fits(page)
    assert_page_in(page, lang)

    with page.expect_download() as badges:
        page.get_by_role("link", name=t("Name badges (PDF)")).click()
    assert badges.value.suggested_filename.endswith(f"-{course.slug}.pdf")
    with open(badges.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("link", name=t("Certificates"), exact=True).click()
    expect(page.locator("#certificate-rule")).to_contain_text("1")
    _fits(page)
    assert_page_in(page, lang)
    with page.expect_download() as certificates:
        page.get_by_role("link", name=t("Download all certificates (PDF)")).click()
    with open(certificates.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert page.console_errors == []
