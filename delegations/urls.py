from django.urls import path

from .views import calendar, ical, itinerary, logistics, participants, review, visits

app_name = "delegations"

urlpatterns: list = [
    # Visits and their workflow (h6)
    path("", visits.visit_list, name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
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
