"""Who must use a second factor, and what a user has enrolled.

Every account of this app is a staff account (citizens never log in): superusers always need a
second factor, everyone else when ``STAFF_REQUIRE_2FA`` is on (the default with debug off).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:  # for the annotations (the functions import the models where used)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

# Kept in the session at login so that the gate needs no query on every request.
HAS_DEVICE_SESSION_KEY = "mfa_has_device"
# The TOTP key being set up in this session (hex), until confirmed; see views.totp_setup.
TOTP_SETUP_KEY_SESSION_KEY = "mfa_totp_setup_key"
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def is_verified(user: Any) -> bool:
    """Whether the session passed the second step: the ``is_verified()`` that django-otp's
    ``OTPMiddleware`` gives ``request.user`` (a method django-stubs' user types lack)."""
    return bool(user.is_verified())


def must_use_second_factor(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or settings.STAFF_REQUIRE_2FA)


def second_step_pending(request: HttpRequest) -> bool:
    """Signed in with the password only: the account has a device to verify with, or must
    enrol one, and this session has not passed that step yet. Such a session may reach the
    pages in ``middleware.ALWAYS_OPEN`` but must not change the account."""
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return False
    return session_has_device(request) or must_use_second_factor(user)


def totp_devices(user: Any) -> QuerySet[TOTPDevice]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True)


def passkeys(user: Any) -> QuerySet[WebAuthnCredential]:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def recovery_device(user: Any) -> StaticDevice | None:
    """The user's recovery codes (a django-otp static device), or None."""
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()


def has_primary_factor(user: Any) -> bool:
    """A TOTP app or a passkey; recovery codes alone are a backup, not a factor."""
    return totp_devices(user).exists() or passkeys(user).exists()


def has_any_device(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def remember_devices(request: HttpRequest, user: Any) -> bool:
    """Read (and cache in the session) whether the user has a confirmed device."""
    has = has_any_device(user)
    request.session[HAS_DEVICE_SESSION_KEY] = has
    return has


def session_has_device(request: HttpRequest) -> bool:
    if HAS_DEVICE_SESSION_KEY not in request.session:
        return remember_devices(request, request.user)
    return bool(request.session[HAS_DEVICE_SESSION_KEY])
