"""Session expiry and the second-factor gate.

``SessionExpiryMiddleware`` ends a signed-in session after ``SESSION_MAX_AGE_HOURS`` (counted
from the login, however active the user is) and after ``SESSION_IDLE_MINUTES`` without a
request. The last-seen time is written at most once a minute, so an active user does not cost
a session write per request.

``SecondFactorMiddleware`` lets a signed-in user reach a view only when the session is verified
with a second factor, or the user has none and is not required to have one. Otherwise the user
is sent to the second step (a device exists) or to enrolment (one is required); only the pages
listed below stay open meanwhile. It runs in ``process_view``, so the Django admin, every app
and any view added later are behind the same rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import devices, policy

STARTED_KEY = "auth_started_at"
LAST_SEEN_KEY = "auth_last_seen_at"
LAST_SEEN_RESOLUTION = 60  # seconds between writes of the last-seen time

# Open to a signed-in user whatever the state of the second factor (before the second step,
# ``account_language`` changes the session's language only, not the account's).
ALWAYS_OPEN = {
    "logout",
    "login",
    "set_language",
    "account_language",
    "healthz",
    "otp_webauthn:js-i18n-catalog",
}
# Open while the second step is pending (a device exists, the session is not verified).
OPEN_FOR_VERIFY = {
    "mfa:verify",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
}
# Open while enrolment is required (no device yet): setting one up and nothing else.
OPEN_FOR_ENROL = {
    "mfa:manage",
    "mfa:totp_setup",
    "mfa:recovery_codes_new",
    "mfa:verify",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
}


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At login (the password step): start both clocks and remember whether the user has a
    device, so that the gate needs no query per request."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    # A TOTP setup starts afresh in every login (the key is never carried over).
    request.session.pop(policy.TOTP_SETUP_KEY_SESSION_KEY, None)
    devices.totp_discard_unconfirmed(user=user)
    policy.remember_devices(request, user)


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The session (and any TOTP key being set up in it) ends; drop unconfirmed devices too."""
    if user is not None:
        devices.totp_discard_unconfirmed(user=user)


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session, not request.user: an anonymous request must not cost a user query.
        if SESSION_KEY in request.session:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        started = session.setdefault(STARTED_KEY, now)
        last_seen = session.setdefault(LAST_SEEN_KEY, now)
        max_age = settings.SESSION_MAX_AGE_HOURS * 3600
        idle = settings.SESSION_IDLE_MINUTES * 60
        if now - started >= max_age or now - last_seen >= idle:
            logout(request)
            messages.info(request, _("Your session has expired. Please log in again."))
        elif now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_KEY] = now


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not policy.second_step_pending(request):
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALWAYS_OPEN:
            return None
        if policy.session_has_device(request):
            if name in OPEN_FOR_VERIFY:
                return None
            return _redirect(request, "mfa:verify")
        # No device yet, and the account must have one: enrolment.
        if name in OPEN_FOR_ENROL:
            return None
        messages.warning(
            request,
            _("Your account needs a second factor. Set one up to continue."),
        )
        return _redirect(request, "mfa:manage")


def _redirect(request: HttpRequest, to: str) -> HttpResponse:
    url = reverse(to)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        # htmx would swap the target page into a fragment; make it load the whole page.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
