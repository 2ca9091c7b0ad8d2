"""Visit requests: the public form (bad input, honeypot, rate limit, the letter checked like
agreement documents), the acknowledgement, the staff queue, and the triage services (accept makes
a draft visit without duplicate records, decline sends the answer once, refer)."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from cityrelations.core.languages import unit_name
from cityrelations.core.transitions import WrongState
from delegations.models import Participant, Visit, VisitRequest, VisitRequestReply
from delegations.requests import (
    visit_request_accept,
    visit_request_decline,
    visit_request_refer,
)
from partners.models import City, Contact, Organization
from tests.factories import CityFactory, ContactFactory, OrganizationFactory

from .factories import VisitRequestFactory

pytestmark = pytest.mark.django_db

NEW_URL = reverse("delegations:visit_request_new")
LIST_URL = reverse("delegations:visit_request_list")


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "requester_kind": "embassy",
        "organization_name": "Embassy of Japan",
        "country": "JP",
        "city_name": "",
        "first_name": "Aiko",
        "last_name": "Tanaka",
        "role": "First Secretary",
        "email": "aiko.tanaka@embassy.example",
        "direction": "incoming",
        "date_from": _in_days(40),
        "date_to": _in_days(41),
        "dates_note": "Any day that week",
        "level": "official",
        "delegation_size": "5",
        "purpose": "A courtesy call on the mayor and a talk on urban mobility.",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- The public form ---------------------------------------------------------------------------


def test_the_form_opens_in_both_languages(client):
    assert "Request a visit or a meeting" in client.get(NEW_URL).content.decode()
    page = client.get(NEW_URL, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Látogatás vagy találkozó kérése" in page


def test_the_radio_buttons_offer_no_empty_choice(client):
    """Who asks and what they want are required: no "---------" button to pick."""
    page = client.get(NEW_URL).content.decode()
    assert 'name="requester_kind" value=""' not in page
    assert 'name="direction" value=""' not in page


def test_a_request_is_stored_with_its_evidence_and_letter_and_acknowledged(
    client, django_capture_on_commit_callbacks
):
    letter = SimpleUploadedFile("Note verbale.pdf", pdf_bytes(), "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW_URL,
            {**form_data(), "letter": letter},
            HTTP_ACCEPT_LANGUAGE="hu",
            REMOTE_ADDR="198.51.100.7",
        )
    assert response.status_code == 302
    assert response.url == reverse("delegations:visit_request_thanks")
    request = VisitRequest.objects.get()
    assert request.status == VisitRequest.Status.NEW
    assert request.language == "hu"
    assert request.consent_ip == "198.51.100.7"
    assert request.consent_at is not None
    assert request.letter.name.endswith("note-verbale.pdf")
    assert request.letter_size > 0
    # The acknowledgement, in the requester's language, repeats nothing they typed.
    assert len(mail.outbox) == 1
    ack = mail.outbox[0]
    assert ack.to == ["aiko.tanaka@embassy.example"]
    assert "megkaptuk" in ack.subject.lower()
    assert "Tanaka" not in ack.body and "Embassy of Japan" not in ack.body


def test_a_single_day_needs_no_end_date(client):
    response = client.post(NEW_URL, form_data(date_to=""))
    assert response.status_code == 302
    request = VisitRequest.objects.get()
    assert request.date_to == request.date_from


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "This field is required."),
        ({"organization_name": ""}, "organization_name", "This field is required."),
        ({"consent": None}, "consent", "This field is required."),
        ({"date_from": _in_days(-3)}, "date_from", "The proposed date cannot be in the past."),
        ({"date_to": _in_days(20)}, "date_to", "cannot be before"),
        ({"delegation_size": "0"}, "delegation_size", "greater than or equal to 1"),
        ({"level": "emperor"}, "level", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(client, changes, field, message):
    response = client.post(NEW_URL, form_data(**changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not VisitRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8),  # a PDF in name and magic only
        ("letter.pdf", b"Dear Sir or Madam"),
        ("letter.docx", b"PK\x03\x04 not really a document"),
    ],
)
def test_a_letter_that_is_not_a_pdf_is_refused(client, name, content):
    letter = SimpleUploadedFile(name, content, "application/pdf")
    response = client.post(NEW_URL, {**form_data(), "letter": letter})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["letter"])
    assert "This file is not a PDF document" in errors
    assert not VisitRequest.objects.exists()


def test_a_letter_over_the_size_limit_is_refused(client, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    letter = SimpleUploadedFile("letter.pdf", pdf_bytes(), "application/pdf")
    response = client.post(NEW_URL, {**form_data(), "letter": letter})
    assert response.status_code == 400
    assert "documents may be at most 100" in " ".join(response.context["form"].errors["letter"])


def test_the_honeypot_answers_as_if_all_went_well_and_stores_nothing(client):
    response = client.post(NEW_URL, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not VisitRequest.objects.exists()
    assert mail.outbox == []


def test_the_form_is_rate_limited_per_address(client):
    for _ in range(3):
        assert client.post(NEW_URL, form_data()).status_code == 302
    response = client.post(NEW_URL, form_data(email="Aiko.Tanaka+x@embassy.example"))
    assert response.status_code == 429
    assert VisitRequest.objects.count() == 3


def test_the_form_is_rate_limited_per_client(client, settings):
    settings.VISIT_REQUEST_LIMIT_PER_IP = 2
    for n in range(2):
        assert client.post(NEW_URL, form_data(email=f"a{n}@embassy.example")).status_code == 302
    response = client.post(NEW_URL, form_data(email="other@embassy.example"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert VisitRequest.objects.count() == 2


# --- The staff queue ---------------------------------------------------------------------------


def test_the_queue_filters_searches_sorts_and_counts(staff_client, django_assert_num_queries):
    VisitRequestFactory(organization_name="Embassy of Japan")
    VisitRequestFactory(organization_name="City of Graz", status=VisitRequest.Status.DECLINED)
    staff_client.get(LIST_URL)  # warm the session
    # session, user, the page's rows and their count, the counts per status, then the
    # layout's: group names, user and group permissions
    with django_assert_num_queries(8):
        staff_client.get(LIST_URL, {"status": "new", "sort": "organisation"})
    VisitRequestFactory.create_batch(3)
    with django_assert_num_queries(8):  # more rows, no more queries
        response = staff_client.get(LIST_URL, {"status": "new", "sort": "organisation"})
    assert response.status_code == 200
    names = [r.organization_name for r in response.context["requests"]]
    assert "City of Graz" not in names and len(names) == 4
    assert names == sorted(names)
    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts == {"new": 4, "accepted": 0, "declined": 1, "referred": 0}
    found = staff_client.get(LIST_URL, {"q": "graz"}).context["requests"]
    assert [r.organization_name for r in found] == ["City of Graz"]
    assert "No request matches" in staff_client.get(LIST_URL, {"q": "zzz"}).content.decode()


def test_the_mayors_office_sees_no_requester(mayor_client):
    request = VisitRequestFactory()
    assert mayor_client.get(LIST_URL).status_code == 403
    assert mayor_client.get(request.get_absolute_url()).status_code == 403


def test_the_detail_page_and_the_letter(staff_client, client):
    client.post(
        NEW_URL,
        {**form_data(), "letter": SimpleUploadedFile("n.pdf", pdf_bytes(), "application/pdf")},
    )
    request = VisitRequest.objects.get()
    page = staff_client.get(request.get_absolute_url()).content.decode()
    assert "aiko.tanaka@embassy.example" in page and "A courtesy call" in page
    response = staff_client.get(reverse("delegations:visit_request_letter", args=[request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_dashboard_counts_new_requests(staff_client, mayor_client):
    VisitRequestFactory.create_batch(2)
    VisitRequestFactory(status=VisitRequest.Status.REFERRED, referred_to="Ministry")
    page = staff_client.get(reverse("dashboard")).content.decode()
    assert "2 new visit requests" in page
    assert "new visit request" not in mayor_client.get(reverse("dashboard")).content.decode()


# --- Accepting ---------------------------------------------------------------------------------


def test_accepting_creates_a_prefilled_draft_visit(staff_client, staff_user):
    request = VisitRequestFactory(
        requester_kind=VisitRequest.RequesterKind.CITY,
        organization_name="City of Graz",
        country="AT",
        city_name="graz",
        email="mayor.office@graz.example",
        dates_note="Flexible by a week",
        level="mayor",
    )
    existing_city = CityFactory(name="Graz", country="AT")
    confirm = staff_client.get(reverse("delegations:visit_request_accept", args=[request.pk]))
    assert confirm.status_code == 200  # a confirmation first
    response = staff_client.post(reverse("delegations:visit_request_accept", args=[request.pk]))
    visit = Visit.objects.get()
    assert response.url == visit.get_absolute_url()
    assert visit.status == Visit.Status.DRAFT
    assert visit.owner == staff_user
    assert (visit.direction, visit.level) == ("incoming", "mayor")
    assert (visit.start_date, visit.end_date) == (request.date_from, request.date_to)
    assert "A courtesy call" in visit.purpose and "Flexible by a week" in visit.purpose
    assert list(visit.cities.all()) == [existing_city]  # matched, not created again
    organization = Organization.objects.get(name="City of Graz")
    assert list(visit.organizations.all()) == [organization]
    contact = Contact.objects.get(email="mayor.office@graz.example")
    assert contact.organization == organization
    participant = Participant.objects.get(visit=visit)
    assert participant.contact == contact and participant.role == "First Secretary"
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.ACCEPTED
    assert request.visit == visit and request.triaged_by == staff_user
    page = staff_client.get(visit.get_absolute_url()).content.decode()
    assert request.get_absolute_url() in page  # the visit links back to its request


def test_accepting_matches_existing_records_and_creates_new_ones_once(staff_user):
    organization = OrganizationFactory(name="Embassy of Japan")
    contact = ContactFactory(email="aiko@embassy.example")
    first = VisitRequestFactory(
        organization_name="EMBASSY OF JAPAN", email="Aiko@Embassy.example", city_name=""
    )
    visit = visit_request_accept(request=first, by=staff_user)
    assert list(visit.organizations.all()) == [organization]
    assert visit.participants.get().contact == contact
    assert not visit.cities.exists()
    # Two requests from a new city and a new person: each record is created once.
    second = VisitRequestFactory(
        organization_name="Osaka City Hall",
        country="JP",
        city_name="Osaka",
        email="k@osaka.example",
    )
    third = VisitRequestFactory(
        organization_name="osaka city hall",
        country="JP",
        city_name="OSAKA",
        email="K@osaka.example",
    )
    visit_request_accept(request=second, by=staff_user)
    visit_request_accept(request=third, by=staff_user)
    assert City.objects.filter(name__iexact="osaka").count() == 1
    assert Organization.objects.filter(name__iexact="osaka city hall").count() == 1
    assert Contact.objects.filter(email__iexact="k@osaka.example").count() == 1


def test_an_invitation_makes_an_outgoing_visit_without_the_host_as_a_participant(staff_user):
    request = VisitRequestFactory(direction=VisitRequest.Direction.OUTGOING)
    visit = visit_request_accept(request=request, by=staff_user)
    assert visit.direction == Visit.Direction.OUTGOING
    assert not visit.participants.exists()
    assert Contact.objects.filter(email=request.email).exists()


def test_a_double_click_on_accept_makes_one_visit(staff_client):
    request = VisitRequestFactory()
    url = reverse("delegations:visit_request_accept", args=[request.pk])
    first = staff_client.post(url)
    second = staff_client.post(url)
    assert Visit.objects.count() == 1
    assert first.url == second.url == Visit.objects.get().get_absolute_url()


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_on_two_connections_make_one_visit(staff_user):
    """Real concurrency on PostgreSQL: both threads hold a copy of the new request; the row
    lock lets one create the visit, and the other returns that same visit."""
    request = VisitRequestFactory(city_name="Osaka")
    barrier = threading.Barrier(2)
    visits: list[int] = []

    def accept() -> None:
        try:
            stale = VisitRequest.objects.get(pk=request.pk)
            barrier.wait(timeout=10)
            visits.append(visit_request_accept(request=stale, by=staff_user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(visits) == 2 and visits[0] == visits[1]
    assert Visit.objects.count() == 1
    assert City.objects.filter(name="Osaka").count() == 1
    assert Contact.objects.filter(email=request.email).count() == 1


def test_a_handled_request_cannot_be_accepted(staff_client, staff_user):
    request = VisitRequestFactory(status=VisitRequest.Status.REFERRED, referred_to="Ministry")
    with pytest.raises(WrongState):
        visit_request_accept(request=request, by=staff_user)
    response = staff_client.post(reverse("delegations:visit_request_accept", args=[request.pk]))
    assert response.url == request.get_absolute_url()
    assert not Visit.objects.exists()


# --- Declining and referring -------------------------------------------------------------------


def test_declining_previews_then_sends_the_answer_in_the_requesters_language(
    staff_client, django_capture_on_commit_callbacks
):
    reply = VisitRequestReply.current()
    reply.body_hu = "Tisztelt {name}! A(z) {organisation} kérését sajnos nem tudjuk teljesíteni."
    reply.save()
    request = VisitRequestFactory(language="hu", first_name="Anna", last_name="Kiss")
    url = reverse("delegations:visit_request_decline", args=[request.pk])
    form = staff_client.get(url).context["form"]
    assert form.initial["subject"] == reply.subject_hu
    body = form.initial["body"]
    assert body.startswith("Tisztelt Anna Kiss! A(z) " + request.organization_name)
    preview = staff_client.post(url, {"subject": "Válasz", "body": body + " Üdvözlettel"})
    assert preview.status_code == 200
    assert "Üdvözlettel" in preview.content.decode()
    # The preview ends as the email does: with the unit's name in the requester's language.
    assert f"<p>{unit_name('hu')}</p>" in preview.content.decode()
    assert unit_name("hu") != unit_name("en")
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.NEW and mail.outbox == []  # not yet
    # "Change the answer" goes back to the form, with the text as it was.
    back = staff_client.post(url, {"subject": "Válasz", "body": body + " Üdvözlettel", "edit": "1"})
    assert back.status_code == 200
    assert back.context["form"]["body"].value() == body + " Üdvözlettel"
    data = {"subject": "Válasz", "body": body + " Üdvözlettel", "send": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url, data).status_code == 302
        assert staff_client.post(url, data).status_code == 302  # a double click
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.DECLINED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Válasz"
    assert mail.outbox[0].to == [request.email]
    assert "Üdvözlettel" in mail.outbox[0].body
    assert mail.outbox[0].body.rstrip().endswith(unit_name("hu"))


def test_a_decline_needs_a_text(staff_client, staff_user):
    request = VisitRequestFactory()
    url = reverse("delegations:visit_request_decline", args=[request.pk])
    response = staff_client.post(url, {"subject": "No", "body": "", "send": "1"})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.NEW


def test_a_declined_request_is_not_accepted_afterwards(staff_user):
    request = VisitRequestFactory()
    visit_request_decline(request=request, by=staff_user, subject="S", body="B")
    with pytest.raises(WrongState):
        visit_request_accept(request=request, by=staff_user)


def test_referring_records_to_whom(staff_client, staff_user):
    request = VisitRequestFactory()
    url = reverse("delegations:visit_request_refer", args=[request.pk])
    assert staff_client.post(url, {"referred_to": ""}).status_code == 400
    response = staff_client.post(url, {"referred_to": "Ministry of Foreign Affairs", "note": "Hi"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == VisitRequest.Status.REFERRED
    assert request.referred_to == "Ministry of Foreign Affairs"
    assert request.triaged_by == staff_user
    with pytest.raises(WrongState):
        visit_request_accept(request=request, by=staff_user)
    # Referring again (a double click) changes nothing.
    again = visit_request_refer(request=request, by=staff_user, referred_to="Someone else")
    assert again.referred_to == "Ministry of Foreign Affairs"
    assert mail.outbox == []


def test_staff_edit_the_answer_template(staff_client, mayor_client):
    url = reverse("delegations:visit_request_reply_update")
    assert mayor_client.post(url).status_code == 403
    # The page says that the unit's name signs every answer, so nobody signs twice.
    page = staff_client.get(url).content.decode()
    assert "The unit's name is added below the text" in page
    assert unit_name("en") in page and unit_name("hu") in page
    data = {
        "subject_en": "About your request",
        "body_en": "Dear {name}, …",
        "subject_hu": "Kérelméről",
        "body_hu": "Tisztelt {name}! …",
    }
    assert staff_client.post(url, {**data, "body_hu": ""}).status_code == 400
    assert staff_client.post(url, data).status_code == 302
    assert VisitRequestReply.current().subject_hu == "Kérelméről"
    assert VisitRequestReply.objects.count() == 1
