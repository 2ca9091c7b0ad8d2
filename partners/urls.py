from django.urls import path  # noqa: F401

from .views import imports

app_name = "partners"

urlpatterns: list = []

urlpatterns += [
    path("import/", imports.import_start, name="import"),
    path("import/preview/", imports.import_preview_view, name="import_preview"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template/<str:kind>.<str:fmt>", imports.import_template, name="import_template"),
]
