"""Hosted events on the day: check-in and attendance (idempotent taps, search, htmx and plain
POST), name badges and certificates as PDFs, the registrations' export and its log, and who
may do any of it."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from cityrelations.core.models import PersonalDataExport
from delegations.models import Event, Registration, SessionAttendance
from delegations.onsite import certificate_standing

from .factories import EventFactory, EventSessionFactory, RegistrationFactory
from .test_briefing import pdf_text

pytestmark = pytest.mark.django_db

CONFIRMED = Registration.Status.CONFIRMED


@pytest.fixture
def course():
    event = EventFactory(
        title_en="Academy of City Diplomacy: spring course",
        title_hu="Városdiplomáciai Akadémia: tavaszi kurzus",
        cohort="2027 spring",
    )
    sessions = [EventSessionFactory(event=event, title_en=f"Module {n}") for n in (1, 2, 3, 4)]
    anna = RegistrationFactory(
        event=event, name="Anna Huber", organization="City of Vienna", country="AT", language="en"
    )
    bela = RegistrationFactory(
        event=event, name="Béla Kovács", organization="Pécsi Egyetem", country="HU", language="hu"
    )
    RegistrationFactory(event=event, name="Wanda Waitlisted", status="waitlisted")
    return event, sessions, anna, bela


def _checkin_url(event, **query):
    url = reverse("delegations:event_checkin", args=[event.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- Check-in ------------------------------------------------------------------------------------


def test_the_checkin_page_lists_confirmed_registrants_and_searches_by_name(staff_client, course):
    event, _sessions, _anna, _bela = course
    page = staff_client.get(_checkin_url(event)).content.decode()
    assert "Anna Huber" in page and "Béla Kovács" in page
    assert "Wanda Waitlisted" not in page  # not confirmed: not on the door list
    assert "<strong>0</strong> of 2 checked in" in page
    found = staff_client.get(_checkin_url(event, q="kovacs")).content.decode()
    assert "Béla Kovács" in found and "Anna Huber" not in found  # accents forgiven
    nobody = staff_client.get(_checkin_url(event, q="Zebulon")).content.decode()
    assert "Nobody confirmed matches" in nobody


def test_checking_in_is_one_tap_and_idempotent(staff_client, course):
    event, _sessions, anna, _bela = course
    url = reverse("delegations:registration_checkin", args=[anna.pk])
    back = _checkin_url(event, q="anna")
    response = staff_client.post(url, {"present": "1", "next": back})
    assert response.status_code == 302 and response.url == back
    anna.refresh_from_db()
    first = anna.checked_in_at
    assert first is not None
    staff_client.post(url, {"present": "1"})  # a second phone taps too: the first time stays
    anna.refresh_from_db()
    assert anna.checked_in_at == first
    page = staff_client.get(_checkin_url(event)).content.decode()
    assert "<strong>1</strong> of 2 checked in" in page
    staff_client.post(url, {"present": "0"})
    staff_client.post(url, {"present": "0"})
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_htmx_gets_the_row_and_the_counts(staff_client, course):
    _event, _sessions, anna, _bela = course
    url = reverse("delegations:registration_checkin", args=[anna.pk])
    response = staff_client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="checkin-{anna.pk}"' in body and "Undo" in body
    assert 'hx-swap-oob="true"' in body and "<strong>1</strong> of 2 checked in" in body


def test_a_waitlisted_registrant_is_not_checked_in(staff_client, course):
    event, *_ = course
    wanda = event.registrations.get(name="Wanda Waitlisted")
    url = reverse("delegations:registration_checkin", args=[wanda.pk])
    response = staff_client.post(url, {"present": "1"}, follow=True)
    assert "Only confirmed registrants can be checked in" in response.content.decode()
    wanda.refresh_from_db()
    assert wanda.checked_in_at is None


def test_attendance_per_session_is_idempotent(staff_client, staff_user, course):
    event, sessions, anna, _bela = course
    url = reverse("delegations:registration_attendance", args=[anna.pk, sessions[0].pk])
    for _ in range(2):
        staff_client.post(url, {"present": "1"})
    attendance = SessionAttendance.objects.get()
    assert attendance.session == sessions[0] and attendance.recorded_by == staff_user
    page = staff_client.get(_checkin_url(event, session=sessions[0].pk)).content.decode()
    assert "<strong>1</strong> of 2 present at this session" in page
    staff_client.post(url, {"present": "0"})
    assert not SessionAttendance.objects.exists()


def test_a_session_of_another_event_is_refused(staff_client, course):
    _event, _sessions, anna, _bela = course
    elsewhere = EventSessionFactory()
    url = reverse("delegations:registration_attendance", args=[anna.pk, elsewhere.pk])
    response = staff_client.post(url, {"present": "1"}, follow=True)
    assert "This session belongs to another event." in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_the_checkin_page_takes_a_fixed_number_of_queries(
    staff_client, course, django_assert_max_num_queries
):
    event, sessions, *_ = course
    for n in range(15):
        RegistrationFactory(event=event, name=f"Extra {n}")
    with django_assert_max_num_queries(12):
        response = staff_client.get(_checkin_url(event, session=sessions[1].pk))
    assert response.status_code == 200


def test_the_mayors_office_gets_none_of_it(mayor_client, course):
    event, sessions, anna, _bela = course
    urls = [
        _checkin_url(event),
        reverse("delegations:event_badges", args=[event.pk]),
        reverse("delegations:event_certificates", args=[event.pk]),
        reverse("delegations:event_certificates_pdf", args=[event.pk]),
        reverse("delegations:registration_certificate", args=[anna.pk]),
        reverse("delegations:event_registrations_export", args=[event.pk]) + "?format=csv",
    ]
    for url in urls:
        assert mayor_client.get(url).status_code == 403, url
    tap = reverse("delegations:registration_checkin", args=[anna.pk])
    assert mayor_client.post(tap, {"present": "1"}).status_code == 403
    attend = reverse("delegations:registration_attendance", args=[anna.pk, sessions[0].pk])
    assert mayor_client.post(attend, {"present": "1"}).status_code == 403
    anna.refresh_from_db()
    assert anna.checked_in_at is None and not SessionAttendance.objects.exists()
    detail = mayor_client.get(event.get_absolute_url()).content.decode()
    assert "Check-in" not in detail  # counts only


# --- Badges ------------------------------------------------------------------------------------


def test_badges_are_a_pdf_of_the_confirmed_registrants(staff_client, course):
    event, *_ = course
    response = staff_client.get(reverse("delegations:event_badges", args=[event.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="badges-{event.slug}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Anna Huber" in text and "City of Vienna" in text and "Austria" in text
    assert "Béla Kovács" in text and "Hungary" in text
    assert "Wanda" not in text
    assert "Academy of City Diplomacy: spring course" in text
    catalog = PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"  # tagged, as the book
    log = PersonalDataExport.objects.get()
    assert log.kind == "event_registrations" and log.row_count == 2 and log.file_format == "pdf"


def test_badges_in_hungarian(staff_client, course):
    event, *_ = course
    response = staff_client.get(
        reverse("delegations:event_badges", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="hu"
    )
    text = pdf_text(response.content)
    assert "Városdiplomáciai Akadémia: tavaszi kurzus" in text and "Ausztria" in text
    assert (
        "névkártyák" in response["Content-Disposition"]
        or "nevkartyak" in (response["Content-Disposition"])
    )


# --- Certificates --------------------------------------------------------------------------------


def _attend(registration, sessions):
    for session in sessions:
        SessionAttendance.objects.create(registration=registration, session=session)


def test_who_qualifies_for_a_certificate(course):
    event, sessions, anna, bela = course
    _attend(anna, sessions[:3])  # 3 of 4: exactly 75 %
    _attend(bela, sessions[:2])  # 2 of 4: 50 %
    standing = certificate_standing(event)
    assert standing.needed == 3 and standing.session_count == 4
    assert standing.qualifying == [anna]
    event.certificate_min_share = 100
    assert certificate_standing(event).qualifying == []
    event.certificate_min_share = 50
    assert certificate_standing(event).qualifying == [anna, bela]


def test_the_share_rounds_up_and_needs_at_least_one_session(course):
    event, *_ = course
    assert event.sessions_needed(3) == 3  # 75 % of 3 is 2.25: three sessions
    assert event.sessions_needed(4) == 3
    event.certificate_min_share = 1
    assert event.sessions_needed(4) == 1
    assert event.sessions_needed(0) == 1


def test_no_certificates_without_sessions_or_for_other_kinds(course):
    event, sessions, anna, _bela = course
    _attend(anna, sessions)
    event.kind = Event.Kind.CONFERENCE
    assert certificate_standing(event).qualifying == []
    other = EventFactory()
    RegistrationFactory(event=other)
    assert certificate_standing(other).qualifying == []


def test_attendance_of_a_cancelled_registration_does_not_count(course):
    event, sessions, anna, _bela = course
    _attend(anna, sessions)
    Registration.objects.filter(pk=anna.pk).update(status="cancelled")
    assert certificate_standing(event).qualifying == []


def test_staff_see_who_qualifies_and_download_the_certificates(staff_client, course):
    event, sessions, anna, bela = course
    _attend(anna, sessions)
    _attend(bela, sessions[:3])
    page = staff_client.get(reverse("delegations:event_certificates", args=[event.pk]))
    html = page.content.decode()
    assert "at least 3 of 4" in html and "2 participants qualify." in html
    response = staff_client.get(reverse("delegations:event_certificates_pdf", args=[event.pk]))
    assert response.content.startswith(b"%PDF")
    assert f'filename="certificates-{event.slug}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    # Each certificate in its participant's language.
    assert "Certificate of attendance" in text and "Anna Huber" in text
    assert "Academy of City Diplomacy: spring course" in text and "4 of 4 sessions" in text
    assert "Részvételi igazolás" in text and "Béla Kovács" in text
    assert "Városdiplomáciai Akadémia: tavaszi kurzus" in text
    log = PersonalDataExport.objects.get()
    assert log.row_count == 2 and "certificates" in log.filters


def test_one_certificate_and_a_refusal_for_who_does_not_qualify(staff_client, course):
    _event, sessions, anna, bela = course
    _attend(anna, sessions)
    one = staff_client.get(reverse("delegations:registration_certificate", args=[anna.pk]))
    text = pdf_text(one.content)
    assert "Anna Huber" in text and "Béla" not in text
    assert "certificate-anna-huber" in one["Content-Disposition"]
    refused = staff_client.get(
        reverse("delegations:registration_certificate", args=[bela.pk]), follow=True
    )
    assert "does not qualify for a certificate" in refused.content.decode()
    assert PersonalDataExport.objects.count() == 1


def test_all_certificates_when_nobody_qualifies(staff_client, course):
    event, *_ = course
    response = staff_client.get(
        reverse("delegations:event_certificates_pdf", args=[event.pk]), follow=True
    )
    assert "Nobody qualifies for a certificate yet." in response.content.decode()
    assert not PersonalDataExport.objects.exists()


# --- Export ------------------------------------------------------------------------------------


def test_the_csv_export_escapes_formulae_and_is_logged(staff_client, course):
    event, sessions, anna, _bela = course
    RegistrationFactory(event=event, name="=HYPERLINK(1)", organization="+evil")
    anna.sessions.add(sessions[0])
    _attend(anna, sessions[:2])
    url = reverse("delegations:event_registrations_export", args=[event.pk])
    response = staff_client.get(url + "?format=csv")
    assert f"registrations-{event.slug}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Email", "Organisation"]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(rows) == 5  # everyone, whatever the status
    assert "'=HYPERLINK(1)" in by_name and by_name["'=HYPERLINK(1)"][2] == "'+evil"
    assert by_name["Anna Huber"][3] == "Austria" and by_name["Anna Huber"][6] == "Module 1"
    assert by_name["Anna Huber"][-1] == "2"
    log = PersonalDataExport.objects.get()
    assert (log.kind, log.row_count, log.file_format, log.filters) == (
        "event_registrations",
        4,
        "csv",
        f"event={event.pk}",
    )


def test_the_xlsx_export_in_hungarian(staff_client, course):
    event, *_ = course
    url = reverse("delegations:event_registrations_export", args=[event.pk])
    response = staff_client.get(url + "?format=xlsx", HTTP_ACCEPT_LANGUAGE="hu")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Név"
    assert any(row[0] == "Béla Kovács" and row[3] == "Magyarország" for row in rows)
    assert PersonalDataExport.objects.get().file_format == "xlsx"


# --- The event's page ------------------------------------------------------------------------


def test_the_event_page_shows_attendance_and_the_follow_up_tasks(staff_client, course):
    event, sessions, anna, _bela = course
    from partners.models import Task

    _attend(anna, sessions[:1])
    Task.objects.create(record=event, title="Send the course materials")
    anna.checked_in_at = anna.confirmed_at
    anna.save()
    html = staff_client.get(event.get_absolute_url()).content.decode()
    assert "Checked in: <strong>1</strong> of 2" in html
    assert "Send the course materials" in html and "Open tasks" in html
    assert reverse("delegations:event_checkin", args=[event.pk]) in html
    assert "kind=event" in html  # "Add task" links a task to the event


def test_htmx_refusal_reloads_the_page_with_the_reason(staff_client, course):
    event, *_ = course
    wanda = event.registrations.get(name="Wanda Waitlisted")
    url = reverse("delegations:registration_checkin", args=[wanda.pk])
    response = staff_client.post(url, {"present": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == _checkin_url(event)
    page = staff_client.get(_checkin_url(event)).content.decode()
    assert "Only confirmed registrants can be checked in" in page


def test_the_certificate_share_is_set_on_the_event_form(staff_client, course):
    from tests.editing import edit_form_data

    event, *_ = course
    url = reverse("delegations:event_update", args=[event.pk])

    def post(share: str):  # type: ignore[no-untyped-def]
        data = edit_form_data(staff_client.get(url).content)
        return staff_client.post(url, {**data, "certificate_min_share": share})

    assert post("80").status_code == 302
    event.refresh_from_db()
    assert event.certificate_min_share == 80
    post("")
    event.refresh_from_db()
    assert event.certificate_min_share == 75  # left empty: the usual share
    refused = post("150")
    assert refused.status_code == 200 and "certificate_min_share" in refused.context["form"].errors


def test_certificates_and_export_do_not_grow_with_registrants(
    staff_client, course, django_assert_max_num_queries
):
    event, sessions, *_ = course
    for n in range(20):
        registration = RegistrationFactory(event=event, name=f"Extra {n}")
        registration.sessions.add(*sessions[:2])
        _attend(registration, sessions[:3])
    with django_assert_max_num_queries(10):
        page = staff_client.get(reverse("delegations:event_certificates", args=[event.pk]))
    assert "20 participants qualify." in page.content.decode()
    url = reverse("delegations:event_registrations_export", args=[event.pk]) + "?format=csv"
    with django_assert_max_num_queries(10):
        response = staff_client.get(url)
    assert response.content.decode("utf-8-sig").count("Module 1; Module 2") == 20
