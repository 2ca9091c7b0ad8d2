from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


class CityRelationsConfig(AppConfig):
    default = True  # the app's own, among the third-party configs below
    name = "cityrelations"
    verbose_name = "City Relations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from cityrelations.core.languages import remember_account_language, reset_language
        from cityrelations.core.roles import sync_role_permissions
        from cityrelations.core.search import register_sqlite_fold

        from . import checks  # noqa: F401  (registers the security checks)
        from .mfa.middleware import on_user_logged_in, on_user_logged_out

        connection_created.connect(register_sqlite_fold, dispatch_uid="cityrelations.search")
        post_migrate.connect(sync_role_permissions, dispatch_uid="cityrelations.core.roles")
        user_logged_in.connect(on_user_logged_in, dispatch_uid="cityrelations.mfa")
        user_logged_out.connect(on_user_logged_out, dispatch_uid="cityrelations.mfa")
        user_logged_in.connect(remember_account_language, dispatch_uid="cityrelations.language")
        request_started.connect(reset_language, dispatch_uid="cityrelations.language.start")
        request_finished.connect(reset_language, dispatch_uid="cityrelations.language.end")


# Third-party apps without a translatable name: the admin's index would show "Axes" and
# "Otp_Static" (the label, title-cased) in every language. Settings install these instead.


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class RecoveryCodesConfig(OTPStaticConfig):
    verbose_name = _("Recovery codes")


class AuthenticatorAppsConfig(OTPTOTPConfig):
    verbose_name = _("Authenticator apps")
