from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views
from .mfa.urls import root_urlpatterns as mfa_urlpatterns

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("mailbox/<str:name>", views.mailbox_message, name="mailbox_message"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("partners/", include("partners.urls")),
    path("delegations/", include("delegations.urls")),
    path("newsletter/", include("newsletters.urls")),
    path("anymail/", include("anymail.urls")),  # ESP tracking webhooks
    *mfa_urlpatterns,
]

admin.site.site_header = f"City Relations — {settings.UNIT_NAME}"
admin.site.site_title = "City Relations"
