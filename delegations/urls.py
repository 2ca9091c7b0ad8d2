from __future__ import annotations

from django.urls import path

from .views import briefing as briefing_views
from .views import bulk as bulk_views
from .views import (
    calendar,
    event_public,
    events,
    ical,
    itinerary,
    logistics,
    onsite,
    participants,
    review,
    visits,
)
from .views import gifts as gift_views
from .views import report as report_views
from .views import requests as request_views

app_name = "delegations"

urlpatterns: list = [
    # Visits and their workflow (h6)
    path("", visits.visit_list, name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/bulk/", bulk_views.visit_bulk, name="visit_bulk"),
    path("visits/conflicts/", visits.visit_conflicts_check, name="visit_conflicts_check"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.visit_update, name="visit_update"),
    path("visits/<int:pk>/delete/", visits.visit_delete, name="visit_delete"),
    path(
        "visits/<int:pk>/step/<slug:action>/",
        visits.visit_transition_view,
        name="visit_transition",
    ),
    path(
        "visits/<int:pk>/participants/new/",
        participants.participant_create,
        name="participant_create",
    ),
    path("participants/<int:pk>/edit/", participants.participant_update, name="participant_update"),
    path(
        "participants/<int:pk>/delete/",
        participants.participant_delete,
        name="participant_delete",
    ),
    path("visits/<int:pk>/agenda/new/", itinerary.agenda_item_create, name="agenda_item_create"),
    path("agenda/<int:pk>/edit/", itinerary.agenda_item_update, name="agenda_item_update"),
    path("agenda/<int:pk>/delete/", itinerary.agenda_item_delete, name="agenda_item_delete"),
    path("visits/<int:pk>/logistics/new/", logistics.logistics_create, name="logistics_create"),
    path(
        "visits/<int:pk>/logistics/standard/",
        logistics.logistics_add_standard_view,
        name="logistics_add_standard",
    ),
    path("logistics/<int:pk>/edit/", logistics.logistics_update, name="logistics_update"),
    path("logistics/<int:pk>/delete/", logistics.logistics_delete, name="logistics_delete"),
    path("review/", review.review_queue, name="review_queue"),
    path("calendar/", calendar.visit_calendar, name="calendar"),
    path("calendar/subscribe/", ical.ical_settings, name="ical_settings"),
    path("calendar/subscribe/reset/", ical.ical_reset, name="ical_reset"),
    path("calendar/feed/<str:token>/visits.ics", ical.ical_feed, name="ical_feed"),
]

# Briefing book, gifts register, post-visit report (h7)
urlpatterns += [
    path("visits/<int:pk>/briefing-book.pdf", briefing_views.briefing_book, name="briefing_book"),
    path("visits/<int:pk>/report/", report_views.report_update, name="report_update"),
    path("visits/<int:pk>/publish/", report_views.visit_publish, name="visit_publish"),
    path("gifts/", gift_views.gift_list, name="gift_list"),
    path("gifts/new/", gift_views.gift_create, name="gift_create"),
    path("gifts/<int:pk>/edit/", gift_views.gift_update, name="gift_update"),
    path("gifts/<int:pk>/delete/", gift_views.gift_delete, name="gift_delete"),
    path("gifts/register/", gift_views.gift_public, name="gift_public"),
    path("gifts/register.csv", gift_views.gift_public_csv, name="gift_public_csv"),
]

# Visit requests (issue 14): the public form, and the staff's triage queue
urlpatterns += [
    path("request-a-visit/", request_views.visit_request_new, name="visit_request_new"),
    path(
        "request-a-visit/thanks/", request_views.visit_request_thanks, name="visit_request_thanks"
    ),
    path("requests/", request_views.visit_request_list, name="visit_request_list"),
    path(
        "requests/answer/",
        request_views.visit_request_reply_update,
        name="visit_request_reply_update",
    ),
    path("requests/<int:pk>/", request_views.visit_request_detail, name="visit_request_detail"),
    path(
        "requests/<int:pk>/letter.pdf",
        request_views.visit_request_letter,
        name="visit_request_letter",
    ),
    path(
        "requests/<int:pk>/accept/",
        request_views.visit_request_accept_view,
        name="visit_request_accept",
    ),
    path(
        "requests/<int:pk>/decline/",
        request_views.visit_request_decline_view,
        name="visit_request_decline",
    ),
    path(
        "requests/<int:pk>/refer/",
        request_views.visit_request_refer_view,
        name="visit_request_refer",
    ),
]

# Hosted events (issue 14): the staff's pages, and the public's registration
urlpatterns += [
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", events.event_update, name="event_update"),
    path("events/<int:pk>/delete/", events.event_delete, name="event_delete"),
    path("events/<int:pk>/step/<slug:action>/", events.event_step_view, name="event_step"),
    path("events/<int:pk>/sessions/new/", events.session_create, name="event_session_create"),
    path("sessions/<int:pk>/edit/", events.session_update, name="event_session_update"),
    path("sessions/<int:pk>/delete/", events.session_delete, name="event_session_delete"),
    path("public/events/<slug:slug>/", event_public.event_public, name="event_public"),
    path(
        "public/events/<slug:slug>/registered/",
        event_public.event_registered,
        name="event_registered",
    ),
    path(
        "public/registration/confirm/<str:token>/",
        event_public.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "public/registration/<str:token>/",
        event_public.registration_manage,
        name="registration_manage",
    ),
]

# Hosted events on the day (issue 14): check-in, attendance, badges, certificates, export
urlpatterns += [
    path("events/<int:pk>/check-in/", onsite.event_checkin, name="event_checkin"),
    path(
        "registrations/<int:pk>/check-in/",
        onsite.registration_checkin,
        name="registration_checkin",
    ),
    path(
        "registrations/<int:pk>/sessions/<int:session_pk>/attendance/",
        onsite.registration_attendance,
        name="registration_attendance",
    ),
    path("events/<int:pk>/badges.pdf", onsite.event_badges, name="event_badges"),
    path("events/<int:pk>/certificates/", onsite.event_certificates, name="event_certificates"),
    path(
        "events/<int:pk>/certificates.pdf",
        onsite.event_certificates_pdf,
        name="event_certificates_pdf",
    ),
    path(
        "registrations/<int:pk>/certificate.pdf",
        onsite.registration_certificate,
        name="registration_certificate",
    ),
    path(
        "events/<int:pk>/registrations/export/",
        onsite.event_registrations_export,
        name="event_registrations_export",
    ),
]
