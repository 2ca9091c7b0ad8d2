"""URLs of the second factor. The passkey endpoints are django-otp-webauthn's views under its
own namespace (its script reverses those names), each behind login: passkeys are a second
factor here, never a password-less login. The last steps of adding a passkey and of a passkey
check are our subclasses, which cycle the session key when the session becomes verified (as
the code step does)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn

from . import views

app_name = "mfa"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("verify/", views.verify, name="verify"),
    path("authenticator/", views.totp_setup, name="totp_setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("<str:kind>/<int:pk>/remove/", views.factor_remove, name="factor_remove"),
]

webauthn_urlpatterns = [
    path(
        "registration/begin/",
        login_required(webauthn.BeginCredentialRegistrationView.as_view()),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        login_required(views.CompletePasskeyRegistrationView.as_view()),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        login_required(webauthn.BeginCredentialAuthenticationView.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        login_required(views.CompletePasskeyCheckView.as_view()),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]

root_urlpatterns = [
    path("account/two-factor/", include((urlpatterns, "mfa"))),
    path("account/two-factor/passkeys/", include((webauthn_urlpatterns, "otp_webauthn"))),
]
