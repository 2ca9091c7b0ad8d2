from __future__ import annotations

from django.urls import path

from .feeds import EditionFeed
from .views import editions, public, sending, stories, subscribers

app_name = "newsletters"

urlpatterns: list = [
    # Sending (h5)
    path("editions/<int:pk>/send/", sending.send_now, name="edition_send"),
    path("editions/<int:pk>/schedule/", sending.schedule, name="edition_schedule"),
    path("editions/<int:pk>/unschedule/", sending.unschedule, name="edition_unschedule"),
    path("editions/<int:pk>/send-test/", sending.send_test, name="edition_send_test"),
    path("editions/<int:pk>/progress/", sending.progress, name="edition_progress"),
]

urlpatterns += [
    # Citizens (h8)
    path("subscribe/", public.subscribe, name="subscribe"),
    path("subscribe/check-your-inbox/", public.subscribe_done, name="subscribe_done"),
    path("confirm/<str:token>/", public.confirm, name="confirm"),
    path("preferences/<str:token>/", public.preferences, name="preferences"),
    path("preferences/<str:token>/my-data.json", public.export_data, name="export_data"),
    path("preferences/<str:token>/erase/", public.erase, name="erase"),
    path("unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("archive/", public.archive, name="archive"),
    path("archive/feed/", EditionFeed(), name="feed"),
    path("archive/feed/<str:language>/", EditionFeed(), name="feed_language"),
    path("archive/<str:month>/", public.edition_public, name="edition_public"),
    path("stories/<int:pk>/image/", public.story_image, name="story_image"),
    # Staff (h8)
    path("subscribers/", subscribers.subscriber_list, name="subscriber_list"),
    path("subscribers/export/", subscribers.subscriber_export, name="subscriber_export"),
    path("subscribers/import/", subscribers.subscriber_import, name="subscriber_import"),
    path("subscribers/suppressed/", subscribers.suppression_list, name="suppression_list"),
    path(
        "subscribers/suppressed/lift/",
        subscribers.suppression_lift_view,
        name="suppression_lift",
    ),
    path("stories/", stories.story_list, name="story_list"),
    path("stories/new/", stories.story_create, name="story_create"),
    path("stories/<int:pk>/edit/", stories.story_update, name="story_update"),
    path("stories/<int:pk>/delete/", stories.story_delete, name="story_delete"),
    path("editions/", editions.edition_list, name="edition_list"),
    path("editions/assemble/", editions.edition_assemble_view, name="edition_assemble"),
    path("editions/<int:pk>/", editions.edition_detail, name="edition_detail"),
    path("editions/<int:pk>/edit/", editions.edition_update, name="edition_update"),
    path("editions/<int:pk>/approve/", editions.edition_approve_view, name="edition_approve"),
    path("editions/<int:pk>/reopen/", editions.edition_reopen_view, name="edition_reopen"),
    path("editions/<int:pk>/preview/", editions.edition_preview, name="edition_preview"),
    path(
        "editions/<int:pk>/items/<int:item_pk>/edit/",
        editions.edition_item_update,
        name="edition_item_update",
    ),
    path(
        "editions/<int:pk>/items/<int:item_pk>/move/",
        editions.edition_item_move_view,
        name="edition_item_move",
    ),
    path(
        "editions/<int:pk>/items/<int:item_pk>/toggle/",
        editions.edition_item_toggle,
        name="edition_item_toggle",
    ),
]
