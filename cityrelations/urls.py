"""The project's URLs; what is mounted depends on the mode (mailbox) and the ESP (webhooks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy

from cityrelations.core.languages import lazy_unit_name

from . import accounts, health
from .esp import mounted_webhook_urlpatterns
from .mfa.urls import root_urlpatterns as mfa_urlpatterns
from .pages import saved_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("saved-views/new/", saved_views.saved_view_create, name="saved_view_create"),
    path("saved-views/<int:pk>/edit/", saved_views.saved_view_update, name="saved_view_update"),
    path("saved-views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("healthz", health.healthz, name="healthz"),
    # Before Django's own: the password reset with rate limits (accounts.py).
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/language/", accounts.account_language, name="account_language"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("partners/", include("partners.urls")),
    path("delegations/", include("delegations.urls")),
    path("newsletter/", include("newsletters.urls")),
    # The configured ESP's tracking webhook only, and only with a secret (see esp.py).
    path("anymail/", include((mounted_webhook_urlpatterns(), "anymail"))),
    *mfa_urlpatterns,
]

if settings.DEBUG:
    # The embedded mode's mailbox: never mounted with debug off (checks.py refuses the backend).
    urlpatterns += [
        path("mailbox/", views.mailbox, name="mailbox"),
        path("mailbox/<str:name>", views.mailbox_message, name="mailbox_message"),
    ]

admin.site.site_header = format_lazy("City Relations — {}", lazy_unit_name())
admin.site.site_title = "City Relations"

# Error pages in the site's layout and the reader's language (cityrelations/errors.py).
handler400 = "cityrelations.errors.bad_request"
handler403 = "cityrelations.errors.permission_denied"
handler404 = "cityrelations.errors.page_not_found"
handler500 = "cityrelations.errors.server_error"
