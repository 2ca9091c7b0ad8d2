"""The briefing book PDF: its content, its permissions, and that it never reaches the network."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from cityrelations.core.models import PersonalDataExport
from delegations.briefing import (
    StaticOnlyURLFetcher,
    briefing_context,
    html_to_pdf,
    render_briefing_book,
)
from delegations.models import Gift
from partners.models import Office, Task
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    PartnershipFactory,
)

from .factories import AgendaItemFactory, ParticipantFactory, VisitFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    # Collapse whitespace: table cells wrap lines anywhere.
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket connection fails the test."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append(address)
        raise AssertionError(f"network access attempted: {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    return attempts


@pytest.fixture
def briefing_visit():
    city = CityFactory(name="Vienna", population=1_982_442, timezone="Europe/Vienna")
    partnership = PartnershipFactory(city=city, council_resolution="123/2015")
    visit = VisitFactory(
        title="Vienna mayor's working visit",
        purpose="Talks on district heating.",
        partnership=partnership,
        cities=[city],
    )
    ambassador = ContactFactory(
        first_name="Anna",
        last_name="Huber",
        form_of_address="Your Excellency",
        protocol_notes="Prefers German; no handshake before the ceremony.",
    )
    ParticipantFactory(visit=visit, contact=ambassador, precedence=1)
    AgendaItemFactory(visit=visit, title="Wreath laying at Heroes' Square", venue="Hősök tere")
    AgreementFactory(title="Twinning charter of Budapest and Vienna", partnership=partnership)
    mayor = ContactFactory(first_name="Michael", last_name="Ludwig")
    Office.objects.create(title="Mayor of Vienna", contact=mayor, city=city)
    InteractionFactory(partnership=partnership, subject="Call about the heating study")
    earlier = VisitFactory(
        title="Vienna study trip 2023",
        partnership=partnership,
        start_date=dt.date(2023, 4, 1),
        end_date=dt.date(2023, 4, 2),
    )
    Task.objects.create(record=earlier, title="Send the heating study to Vienna")
    Gift.objects.create(
        visit=earlier,
        direction=Gift.Direction.RECEIVED,
        description="Porcelain vase from Augarten",
        counterpart="Mayor of Vienna",
        date=dt.date(2023, 4, 1),
    )
    Gift.objects.create(
        visit=visit,
        direction=Gift.Direction.GIVEN,
        description="Herend porcelain plate",
        counterpart="Mayor of Vienna",
        date=visit.start_date,
    )
    return visit


def test_briefing_book_contains_the_visit_facts(briefing_visit, no_network):
    text = pdf_text(render_briefing_book(briefing_visit))
    assert "Vienna mayor's working visit" in text
    assert "Your Excellency" in text
    assert "Prefers German" in text
    assert "Wreath laying at Heroes' Square" in text
    assert "1,982,442" in text
    assert "Europe/Vienna" in text
    assert "Mayor of Vienna" in text and "Michael Ludwig" in text
    assert "Twinning charter of Budapest and Vienna" in text
    assert "Vienna study trip 2023" in text
    assert "Call about the heating study" in text
    assert "Send the heating study to Vienna" in text
    assert "Herend porcelain plate" in text
    assert "Porcelain vase from Augarten" in text
    # The print stylesheet's running header and page numbers.
    assert "Page 1 / " in text and "Page 2 / " in text
    assert text.count("Vienna mayor's working visit ·") >= 2
    assert no_network == []


def test_briefing_book_for_a_bare_visit(no_network):
    visit = VisitFactory(title="Bare visit", purpose="", owner=None)
    text = pdf_text(render_briefing_book(visit))
    assert "Bare visit" in text
    assert "No itinerary yet." in text
    assert "No partner city is linked to this visit." in text


def test_an_address_typed_into_a_field_is_not_fetched(no_network):
    visit = VisitFactory(owner=None, purpose='<img src="http://example.com/x.png"> see attached')
    fetcher = StaticOnlyURLFetcher()
    text = pdf_text(render_briefing_book(visit, fetcher))
    # Escaped, so it is text in the book, never an image to fetch.
    assert 'src="http://example.com/x.png"' in text
    assert not any("example.com" in url for url in fetcher.refused)
    assert no_network == []


def test_the_fetcher_refuses_external_and_file_addresses(no_network):
    fetcher = StaticOnlyURLFetcher()
    html = (
        '<link rel="stylesheet" href="/static/css/briefing.css">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<img src="http://example.com/x.png"><img src="file:///etc/passwd">'
        '<img src="/static/../../etc/passwd"><p>Body</p>'
    )
    pdf = html_to_pdf(html, fetcher)
    assert "Body" in pdf_text(pdf)
    assert "http://example.com/x.png" in fetcher.refused
    assert "https://cdn.example.com/x.css" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert not any(url.endswith("briefing.css") for url in fetcher.refused)
    assert no_network == []


def test_the_fetcher_serves_our_stylesheet_from_disk():
    fetcher = StaticOnlyURLFetcher()
    response = fetcher.fetch("https://briefing.invalid/static/css/briefing.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_both_roles_download_the_briefing_book(briefing_visit, staff_client, mayor_client):
    url = reverse("delegations:briefing_book", args=[briefing_visit.pk])
    for client in (staff_client, mayor_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "briefing-" in response["Content-Disposition"]


def test_each_download_is_logged_as_a_personal_data_export(briefing_visit, mayor_client):
    # The book lists participants with their dietary and accessibility needs (health data).
    ParticipantFactory(visit=briefing_visit, dietary="Vegan", accessibility="Wheelchair")
    url = reverse("delegations:briefing_book", args=[briefing_visit.pk])
    response = mayor_client.get(url + "?download=1")
    assert response.status_code == 200
    record = PersonalDataExport.objects.get()
    assert record.kind == PersonalDataExport.Kind.BRIEFING_BOOK
    assert record.user.username == "mayor" and record.username == "mayor"
    assert record.row_count == 2  # the participants
    assert record.file_format == "pdf"
    assert record.filters == f"visit={briefing_visit.pk}"
    # No record for a visit that does not exist.
    mayor_client.get(reverse("delegations:briefing_book", args=[999999]))
    assert PersonalDataExport.objects.count() == 1


def test_anonymous_is_sent_to_login_and_missing_visit_is_404(anonymous_client, staff_client):
    url = reverse("delegations:briefing_book", args=[1])
    response = anonymous_client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert staff_client.get(reverse("delegations:briefing_book", args=[999999])).status_code == 404


def test_briefing_queries_do_not_grow_with_participants_and_agenda(
    briefing_visit, django_assert_max_num_queries
):
    def render_html() -> str:
        return render_to_string(
            "delegations/briefing_book.html", briefing_context(briefing_visit.pk)
        )

    with django_assert_max_num_queries(20) as captured:
        render_html()
    small = len(captured)
    for i in range(10):
        ParticipantFactory(visit=briefing_visit)
        AgendaItemFactory(visit=briefing_visit, title=f"Item {i}")
        Gift.objects.create(
            visit=briefing_visit,
            direction="given",
            description=f"Gift {i}",
            counterpart="Mayor",
            date=briefing_visit.start_date,
        )
    with django_assert_max_num_queries(small):
        render_html()


# --- In the reader's language: headings, labels, choice labels and month names follow the
# language of the request that downloads the book. -------------------------------------------


def download(client, visit, language: str) -> str:
    response = client.get(
        reverse("delegations:briefing_book", args=[visit.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    book = "hatteranyag" if language == "hu" else "briefing-book"
    assert f'filename="{book}-{visit.start_date:%Y-%m-%d}-' in response["Content-Disposition"]
    return pdf_text(response.content)


def test_the_briefing_book_in_hungarian(briefing_visit, no_network, mayor_client):
    text = download(mayor_client, briefing_visit, "hu")
    for heading in ["Háttéranyag", "Cél", "Program", "Nyitott utókövetési feladatok"]:
        assert heading in text, heading
    for label in ["Irány", "Szint", "Állapot", "Időzóna", "Megállapodások"]:
        assert label in text, label
    assert "Oldal 1 / " in text  # the running page label
    assert "Bejövő" in text or "Kimenő" in text  # the visit's direction, a choice label
    assert "május" in text  # the partnership's established date: month names follow too
    for english in ["Briefing book", "Itinerary", "Open follow-ups", "Page 1 / ", "Direction"]:
        assert english not in text, english


def test_the_briefing_book_in_english(briefing_visit, no_network, mayor_client):
    text = download(mayor_client, briefing_visit, "en")
    for heading in ["Briefing book", "Purpose", "Itinerary", "Open follow-ups", "Page 1 / "]:
        assert heading in text, heading
    assert "May" in text
    assert "Háttéranyag" not in text and "Oldal 1 / " not in text and "május" not in text


def _structure_types(node, found: set[str], depth: int = 0) -> set[str]:
    """The structure types (``/H1``, ``/P``, ``/Table``, …) under a structure tree node."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _structure_types(child, found, depth)
    elif hasattr(node, "get") and depth < 40:
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_types(node["/K"], found, depth + 1)
    return found


@pytest.mark.parametrize(("language", "title"), [("en", "Briefing book"), ("hu", "Háttéranyag")])
def test_the_briefing_book_is_a_tagged_pdf(
    briefing_visit, no_network, mayor_client, language, title
):
    """A screen reader reads the book in order, in its language: a structure tree, marked
    content, the document language and a title (issue 13, item 9)."""
    url = reverse("delegations:briefing_book", args=[briefing_visit.pk])
    response = mayor_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language
    assert title in reader.metadata.title and briefing_visit.title in reader.metadata.title
    types = _structure_types(catalog["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD"} <= types, types
