"""Dates on every page read the same way in each language: ``7 Dec 2026`` in English,
``2026. december 7.`` in Hungarian; never ``12/07/2026`` (which day is that?) and never a bare
ISO ``2026-12-07`` in the text a reader sees. Numbers that are data (ids, form values,
coordinates) stay unlocalised where a Hungarian decimal comma or a grouping space would break
them.

The walk opens, with the demo data, every staff page that takes no argument, the detail page of
the first record of every model that has one, and the public pages, in both languages.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from delegations.briefing import briefing_context
from delegations.demo.seed import seed_delegations
from delegations.models import Visit
from newsletters.demo.seed import seed_newsletters
from newsletters.models import Edition
from partners.demo.seed import seed_partners
from partners.memberships import fee_payment_record
from partners.models import Membership, Partnership
from tests.delegations.factories import AgendaItemFactory, VisitFactory
from tests.factories import CityFactory, MembershipFactory, PartnershipFactory
from tests.test_url_roles import URLS

pytestmark = pytest.mark.django_db

SLASHED_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
KNOWN_DAY = dt.date(2026, 12, 7)
KNOWN_DAY_TEXT = {"en": "7 Dec 2026", "hu": "2026. december 7."}
# Not pages: downloads, feeds, endpoints for scripts, and pages that change something on GET.
NOT_PAGES = re.compile(r"(csv|export|feed|ical|json|data|logout|progress|option|suggest|i18n)")


def visible_text(response) -> str:
    """What a reader sees: the page without scripts, styles, tags and attributes."""
    page = response.content.decode()
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    # Only ASCII white space: a Hungarian number's no-break spaces are part of what is read.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(page))


def _argumentless_pages() -> list[str]:
    return [path for name, path in URLS if "999999" not in path and "missing" not in path]


def _detail_pages() -> list[str]:
    """The first record of every model of ours that has a page of its own, and every visit,
    partnership, membership and edition (the demo's dates, fees and payments are on these)."""
    urls = [v.get_absolute_url() for v in Visit.objects.all()]
    urls += [p.get_absolute_url() for p in Partnership.objects.all()]
    urls += [e.get_absolute_url() for e in Edition.objects.all()]
    urls += [reverse("partners:membership_detail", args=[m.pk]) for m in Membership.objects.all()]
    for label in ("partners", "delegations", "newsletters"):
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "get_absolute_url") and not model.__name__.startswith("Historical"):
                record = model._default_manager.order_by("pk").first()
                if record is not None:
                    urls.append(record.get_absolute_url())
    return urls


@pytest.fixture
def demo_pages(staff_client) -> list[str]:
    seed_partners()
    seed_delegations()
    seed_newsletters()
    VisitFactory(title="Known day", start_date=KNOWN_DAY, end_date=KNOWN_DAY)
    # The demo has no fees: a membership with a fee, a due date and a payment (which moves it).
    membership = MembershipFactory(
        annual_fee=Decimal("15000.00"), fee_due_on=KNOWN_DAY, next_report_due_on=KNOWN_DAY
    )
    fee_payment_record(
        membership=membership,
        paid_on=KNOWN_DAY,
        amount=Decimal("15000.00"),
        currency="EUR",
        reference="INV-2026-17",
        expected_due_on=KNOWN_DAY,
        by=None,
    )
    sent = Edition.objects.get(status=Edition.Status.SENT)
    public = [
        reverse("newsletters:archive"),
        reverse("newsletters:edition_public", args=[f"{sent.month:%Y-%m}"]),
        reverse("newsletters:subscribe"),
        reverse("delegations:gift_public"),
    ]
    pages = [p for p in _argumentless_pages() if not NOT_PAGES.search(p)]
    return sorted(set(pages + _detail_pages() + public))


def test_no_page_or_briefing_book_shows_a_slashed_or_bare_iso_date(staff_client, demo_pages):
    """Every page as staff see it, the public pages as a citizen (not logged in) sees them, and
    the HTML of every demo visit's briefing book (a PDF), in both languages. One test, so the
    demo data is made once."""
    offenders, read = [], 0
    for language in ("en", "hu"):
        for client in (staff_client, Client()):
            for url in demo_pages:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                read += 1
                offenders += _dates_misshown(f"{language} {url}", visible_text(response))
        with translation.override(language):
            for visit in Visit.objects.all():
                book = render_to_string(
                    "delegations/briefing_book.html", briefing_context(visit.pk)
                )
                offenders += _dates_misshown(
                    f"{language} {visit}", visible_text(HttpResponse(book))
                )
    assert read > 120
    assert not offenders, offenders


def _dates_misshown(where: str, text: str) -> list[str]:
    return [f"{where}: {m.group()}" for p in (SLASHED_DATE, ISO_DATE) for m in p.finditer(text)]


@pytest.mark.parametrize("language", ["en", "hu"])
def test_a_known_day_reads_in_the_language_of_the_page(staff_client, language):
    visit = VisitFactory(start_date=KNOWN_DAY, end_date=KNOWN_DAY + dt.timedelta(days=1))
    expected = KNOWN_DAY_TEXT[language]
    pages = [
        visit.get_absolute_url(),
        reverse("delegations:visit_list"),
        f"{reverse('delegations:calendar')}?month=2026-12&view=list",
    ]
    for url in pages:
        text = visible_text(staff_client.get(url, HTTP_ACCEPT_LANGUAGE=language))
        assert expected in text, url


def test_a_weekday_heading_puts_the_day_where_the_language_does(staff_client):
    visit = VisitFactory(start_date=KNOWN_DAY, end_date=KNOWN_DAY)
    AgendaItemFactory(visit=visit, date=KNOWN_DAY)
    english = visible_text(staff_client.get(visit.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))
    hungarian = visible_text(staff_client.get(visit.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="hu"))
    assert "Monday, 7 Dec 2026" in english
    assert "2026. december 7., hétfő" in hungarian


def test_money_reads_in_the_language_of_the_page(staff_client):
    membership = MembershipFactory(annual_fee=Decimal("15000.00"), fee_currency="EUR")
    english = visible_text(
        staff_client.get(membership.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    )
    hungarian = visible_text(
        staff_client.get(membership.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="hu")
    )
    assert "15,000 EUR" in english
    assert "15\xa0000 EUR" in hungarian and "15000,00" not in hungarian


def test_numbers_that_are_data_are_not_localised(staff_client):
    """A Hungarian page groups and commas the numbers people read, not the ones machines read."""
    city = CityFactory(
        population=1234567, latitude=Decimal("47.4979"), longitude=Decimal("19.0402")
    )
    PartnershipFactory(city=city)
    hungarian = {"HTTP_ACCEPT_LANGUAGE": "hu"}
    detail = visible_text(staff_client.get(city.get_absolute_url(), **hungarian))
    assert "1\xa0234\xa0567" in detail  # the population, read by people
    assert "47,4979; 19,0402" in detail  # decimal commas, so a semicolon between the two
    form = staff_client.get(reverse("partners:city_update", args=[city.pk]), **hungarian)
    page = form.content.decode()
    assert 'value="1234567"' in page
    assert 'value="47.497900"' in page and 'value="19.040200"' in page
    map_page = staff_client.get(reverse("partners:map"), **hungarian)
    assert "47,498; 19,040" in visible_text(map_page)
    points = staff_client.get(reverse("partners:map_data"), **hungarian).content.decode()
    assert '"lat": 47.4979, "lng": 19.0402' in points


def test_hungarian_numeric_dates_are_accepted_where_a_date_is_typed():
    field = forms.DateField()
    with translation.override("hu"):
        for typed in ("2026. 12. 07.", "2026.12.07.", "2026-12-07"):
            assert field.clean(typed) == KNOWN_DAY, typed
    with translation.override("en"):
        for typed in ("7 Dec 2026", "2026-12-07"):
            assert field.clean(typed) == KNOWN_DAY, typed
        with pytest.raises(forms.ValidationError):
            field.clean("12/07/2026")  # month first or day first? Refused rather than guessed.
