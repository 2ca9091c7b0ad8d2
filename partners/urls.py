from __future__ import annotations

from django.urls import path

from .views import (
    agreements,
    bulk,
    cities,
    contacts,
    documents,
    imports,
    interactions,
    memberships,
    opportunities,
    options,
    organizations,
    partnerships,
    projects,
    tasks,
)
from .views import map as map_views

app_name = "partners"

urlpatterns: list = []

urlpatterns += [
    path("import/", imports.import_start, name="import"),
    path("import/preview/", imports.import_preview_view, name="import_preview"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template/<str:kind>.<str:fmt>", imports.import_template, name="import_template"),
]

urlpatterns += [
    path("organisations/", organizations.organization_list, name="organization_list"),
    path("organisations/new/", organizations.organization_create, name="organization_create"),
    path("organisations/<int:pk>/", organizations.organization_detail, name="organization_detail"),
    path(
        "organisations/<int:pk>/edit/",
        organizations.organization_update,
        name="organization_update",
    ),
    path(
        "organisations/<int:pk>/delete/",
        organizations.organization_delete,
        name="organization_delete",
    ),
    path("memberships/", memberships.membership_list, name="membership_list"),
    path("memberships/new/", memberships.membership_create, name="membership_create"),
    path("memberships/<int:pk>/edit/", memberships.membership_update, name="membership_update"),
    path("memberships/<int:pk>/delete/", memberships.membership_delete, name="membership_delete"),
    path("memberships/<int:pk>/", memberships.membership_detail, name="membership_detail"),
    path(
        "memberships/<int:pk>/fee-paid/",
        memberships.membership_fee_paid,
        name="membership_fee_paid",
    ),
    path(
        "memberships/payments/<int:pk>/void/",
        memberships.fee_payment_void,
        name="fee_payment_void",
    ),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/export/", agreements.agreement_export, name="agreement_export"),
    path("agreements/bulk/", bulk.agreement_bulk, name="agreement_bulk"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreements.agreement_update, name="agreement_update"),
    path("agreements/<int:pk>/delete/", agreements.agreement_delete_view, name="agreement_delete"),
    path("agreements/<int:pk>/documents/new/", documents.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
]

urlpatterns += [
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/export/", bulk.contact_export, name="contact_export"),
    path("projects/bulk/", bulk.project_bulk, name="project_bulk"),
    path("organisations/bulk/", bulk.organization_bulk, name="organization_bulk"),
    path("memberships/bulk/", bulk.membership_bulk, name="membership_bulk"),
    path("contacts/bulk/", bulk.contact_bulk, name="contact_bulk"),
    path("contacts/merge/", contacts.contact_merge_view, name="contact_merge"),
    path("options/", options.option_search, name="option_search"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_update, name="contact_update"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path("offices/new/", contacts.office_create_view, name="office_create"),
    path("offices/<int:pk>/edit/", contacts.office_update, name="office_update"),
    path("offices/<int:pk>/delete/", contacts.office_delete, name="office_delete"),
    path("interactions/", interactions.interaction_list, name="interaction_list"),
    path("interactions/new/", interactions.interaction_create, name="interaction_create"),
    path("interactions/<int:pk>/edit/", interactions.interaction_update, name="interaction_update"),
    path(
        "interactions/<int:pk>/delete/", interactions.interaction_delete, name="interaction_delete"
    ),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_update, name="project_update"),
    path("projects/<int:pk>/delete/", projects.project_delete, name="project_delete"),
]

urlpatterns += [
    path("cities/", cities.city_list, name="city_list"),
    path("cities/new/", cities.city_create, name="city_create"),
    path("cities/suggest/", cities.city_suggest, name="city_suggest"),
    path("cities/<int:pk>/", cities.city_detail, name="city_detail"),
    path("cities/<int:pk>/edit/", cities.city_update, name="city_update"),
    path("cities/<int:pk>/delete/", cities.city_delete, name="city_delete"),
    path("", partnerships.partnership_list, name="partnership_list"),
    path("partnerships/export/", partnerships.partnership_export, name="partnership_export"),
    path("partnerships/bulk/", bulk.partnership_bulk, name="partnership_bulk"),
    path("partnerships/new/", partnerships.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/", partnerships.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", partnerships.partnership_update, name="partnership_update"),
    path(
        "partnerships/<int:pk>/delete/", partnerships.partnership_delete, name="partnership_delete"
    ),
    path(
        "partnerships/<int:pk>/mark-dormant/",
        partnerships.partnership_mark_dormant,
        name="partnership_mark_dormant",
    ),
    path("map/", map_views.map_page, name="map"),
    path("map/data/", map_views.map_data, name="map_data"),
]

urlpatterns += [
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", tasks.task_update, name="task_update"),
    path("tasks/<int:pk>/delete/", tasks.task_delete, name="task_delete"),
    path("tasks/<int:pk>/done/", tasks.task_mark_done, name="task_mark_done"),
    path("tasks/<int:pk>/reopen/", tasks.task_reopen_view, name="task_reopen"),
]

urlpatterns += [
    path("opportunities/", opportunities.opportunity_board, name="opportunity_board"),
    path("opportunities/list/", opportunities.opportunity_list, name="opportunity_list"),
    path("opportunities/export/", opportunities.opportunity_export, name="opportunity_export"),
    path("opportunities/new/", opportunities.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", opportunities.opportunity_detail, name="opportunity_detail"),
    path(
        "opportunities/<int:pk>/edit/",
        opportunities.opportunity_update,
        name="opportunity_update",
    ),
    path(
        "opportunities/<int:pk>/delete/",
        opportunities.opportunity_delete,
        name="opportunity_delete",
    ),
    path(
        "opportunities/<int:pk>/move/",
        opportunities.opportunity_move_view,
        name="opportunity_move",
    ),
]
