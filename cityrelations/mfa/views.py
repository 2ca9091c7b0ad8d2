"""Pages of the second factor: the second step of the login, and managing one's own factors.

Every page is for the signed-in user's own devices (permission: being logged in); a user who has
a device but has not passed the second step in this session is sent to it first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn import views as webauthn

from cityrelations.core.views import safe_next

from . import devices, policy
from .forms import CodeForm, ConfirmWithSecretForm, TotpConfirmForm

NEW_CODES_SESSION_KEY = "mfa_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    return safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))


def _verified_if_enrolled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; and a user with a device must have passed the second step.

    Checked against the database, not the session's cached flag: adding or removing a factor
    must never be possible with the password alone."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not policy.is_verified(request.user) and policy.remember_devices(request, request.user):
            return redirect(f"{reverse('mfa:verify')}?next={reverse('mfa:manage')}")
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a TOTP code, a recovery code or a passkey."""
    user = request.user
    if policy.is_verified(user) or not policy.remember_devices(request, user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = devices.check_code(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            otp_login(request, check.device)
            request.session.cycle_key()
            return redirect(_next_url(request))
        form.add_error(
            "code",
            _("Too many failed attempts. Wait a moment and try again.")
            if check.throttled
            else _("That code is not valid. Try again."),
        )
        if not check.throttled:
            # Counted by django-axes like a wrong password; at the limit the session ends and
            # AxesMiddleware answers with the lock-out page. A code refused by the device's
            # throttle was never checked: counting it would lock out a user who retyped quickly.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                logout(request)
    context = {
        "form": form,
        "next": _next_url(request),
        "has_passkey": policy.passkeys(user).exists(),
        "has_totp": policy.totp_devices(user).exists(),
    }
    return render(request, "mfa/verify.html", context)


@_verified_if_enrolled
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    totp = policy.totp_devices(user).first()
    passkeys = list(policy.passkeys(user))
    recovery = policy.recovery_device(user)
    context = {
        "totp": totp,
        "passkeys": passkeys,
        "has_factor": totp is not None or bool(passkeys),
        "has_recovery": recovery is not None,
        "recovery_left": recovery.token_set.count() if recovery else 0,
        "required": policy.must_use_second_factor(user),
    }
    return render(request, "mfa/manage.html", context)


@_verified_if_enrolled
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app.

    The key is made for this session and kept in it until it is confirmed or the session ends
    (log-in and log-out start afresh); the device is created only by the confirming code. Two
    tabs of one session show the same key and the first confirmation wins: the other tab then
    lands on "already set up". A page left open from an earlier session says its key expired."""
    user = request.user
    if policy.totp_devices(user).exists():
        return _totp_already_set_up(request)
    key = request.session.get(policy.TOTP_SETUP_KEY_SESSION_KEY)
    if key is None:
        key = request.session[policy.TOTP_SETUP_KEY_SESSION_KEY] = devices.totp_new_key()
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not devices.totp_key_matches(key, request.POST.get("key_id", "")):
            form.add_error(
                "code",
                _("This key has expired. Remove it from your app and add the key shown now."),
            )
        elif device := devices.totp_confirm(user=user, key=key, code=form.cleaned_data["code"]):
            return _totp_confirmed(request, device)
        elif policy.totp_devices(user).exists():
            return _totp_already_set_up(request)
        else:
            form.add_error(
                "code",
                _("That code is not valid. Check the time on your phone and try the next code."),
            )
    device = devices.totp_setup_device(user=user, key=key)
    context = {
        "form": form,
        "qr_code": devices.qr_code_data_uri(device.config_url),
        "secret": devices.totp_secret_text(device),
        "key_id": devices.totp_key_fingerprint(key),
    }
    return render(request, "mfa/totp_setup.html", context)


def _totp_already_set_up(request: HttpRequest) -> HttpResponse:
    request.session.pop(policy.TOTP_SETUP_KEY_SESSION_KEY, None)
    messages.info(request, _("An authenticator app is already set up. Remove it first."))
    return redirect("mfa:manage")


def _totp_confirmed(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    request.session.pop(policy.TOTP_SETUP_KEY_SESSION_KEY, None)
    if not policy.is_verified(request.user):
        otp_login(request, device)
        request.session.cycle_key()
    request.session[policy.HAS_DEVICE_SESSION_KEY] = True
    messages.success(request, _("Your authenticator app is set up."))
    if policy.recovery_device(request.user) is None:
        return _show_new_codes(request, devices.recovery_codes_regenerate(user=request.user))
    return redirect("mfa:manage")


@_verified_if_enrolled
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make a new set of recovery codes (the old ones stop working)."""
    if not policy.has_primary_factor(request.user):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect("mfa:manage")
    return _show_new_codes(request, devices.recovery_codes_regenerate(user=request.user))


def _show_new_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    request.session[NEW_CODES_SESSION_KEY] = codes
    return redirect("mfa:recovery_codes_new")


@_verified_if_enrolled
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: the page takes them out of the session."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("mfa:manage")
    return render(request, "mfa/recovery_codes.html", {"codes": codes})


def _factor_for(request: HttpRequest, kind: str, pk: int) -> Device:
    """One of the user's own TOTP apps or passkeys; 404 for anything else."""
    if kind == "totp":
        return get_object_or_404(TOTPDevice, pk=pk, user=request.user, confirmed=True)
    if kind == "passkey":
        return get_object_or_404(policy.passkeys(request.user), pk=pk)
    raise Http404


def _stay_verified(request: HttpRequest) -> None:
    """The session may have been verified by the device just removed; the user has just proved
    who they are, so keep it verified with a remaining factor rather than ask again."""
    user = request.user
    remaining = policy.totp_devices(user).first() or policy.passkeys(user).first()
    if remaining is not None:
        otp_login(request, remaining)
    else:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    policy.remember_devices(request, user)


@_verified_if_enrolled
def factor_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    device = _factor_for(request, kind, pk)
    form = ConfirmWithSecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not devices.can_remove(user=request.user, device=device):
            messages.error(
                request,
                _("Your account must keep a second factor. Add another one before removing this."),
            )
            return redirect("mfa:manage")
        if devices.password_or_code_ok(user=request.user, secret=form.cleaned_data["secret"]):
            devices.factor_remove(user=request.user, device=device)
            _stay_verified(request)
            messages.success(request, _("The second factor was removed."))
            return redirect("mfa:manage")
        form.add_error("secret", _("That is neither your password nor a valid code."))
    return render(request, "mfa/factor_remove.html", {"form": form, "device": device, "kind": kind})


class CompletePasskeyCheckView(webauthn.CompleteCredentialAuthenticationView):
    """django-otp-webauthn's last step of a passkey check (same JSON answer for its script),
    which also gives the session a new key once it is verified, as the code step does: a
    session id learnt before the second step must not become a verified session."""

    def complete_auth(self, device: Device) -> None:
        super().complete_auth(device)
        self.request.session.cycle_key()


class CompletePasskeyRegistrationView(webauthn.CompleteCredentialRegistrationView):
    """django-otp-webauthn's last step of adding a passkey. A session that was not verified
    (a first factor being enrolled) becomes verified by it, so it gets a new key as well."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        was_verified = policy.is_verified(self.request.user)
        response = super().post(*args, **kwargs)
        if not was_verified and policy.is_verified(self.request.user):
            self.request.session.cycle_key()
        return response
