"""Hosted events, the public's side (no login): each published event's page with the
registration form, the confirmation link from the email, and the registrant's own page (from a
signed link) to change or cancel.

As on the newsletter's subscribe form: a honeypot, a rate limit per address and per client,
and one answer whatever the address ("check your inbox"), so the form never tells whether
someone is registered. Opening a link from an email changes nothing by itself (mail scanners
fetch links): confirming and cancelling take a button press (POST). Everything works without
JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.client_ip import client_ip
from cityrelations.core.languages import in_requested_language
from cityrelations.core.throttle import Limit, attempt_allowed

from ..forms.events import RegistrationChangeForm, RegistrationForm
from ..models import Event, Registration
from ..registrations import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    InvalidToken,
    RegistrationClosed,
    can_confirm,
    cancel,
    change,
    confirm,
    read_token,
    register,
)


def registration_attempt_allowed(*, email: str, ip: str | None) -> bool:
    """Counted like the subscribe form (settings ``EVENT_REGISTRATION_LIMIT_PER_ADDRESS`` …:
    5 an hour per address, 30 per 10 minutes per client by default)."""
    return attempt_allowed(
        scope="delegations:register",
        email=email,
        ip=ip,
        per_address=Limit(
            settings.EVENT_REGISTRATION_LIMIT_PER_ADDRESS,
            settings.EVENT_REGISTRATION_ADDRESS_WINDOW_SECONDS,
        ),
        per_ip=Limit(
            settings.EVENT_REGISTRATION_LIMIT_PER_IP,
            settings.EVENT_REGISTRATION_IP_WINDOW_SECONDS,
        ),
    )


def _page_language() -> str:
    language = translation.get_language() or "en"
    return "hu" if language.startswith("hu") else "en"


def _public_event(slug: str) -> Event:
    return get_object_or_404(
        Event.objects.published().prefetch_related("sessions", "organizations"), slug=slug
    )


@never_cache
@require_http_methods(["GET", "POST"])
@in_requested_language
def event_public(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    language = _page_language()
    form = RegistrationForm(request.POST or None, event=event, initial={"language": language})
    if request.method == "POST" and event.is_open:
        if form.honeypot_filled():
            return redirect("delegations:event_registered", slug=event.slug)
        if form.is_valid():
            data = form.cleaned_data
            if not registration_attempt_allowed(email=data["email"], ip=client_ip(request)):
                return render(
                    request, "delegations/public/rate_limited.html", {"event": event}, status=429
                )
            try:
                register(
                    event=event,
                    email=data["email"],
                    name=data["name"],
                    organization=data["organization"],
                    country=data["country"],
                    sessions=data.get("sessions") or [],
                    dietary_needs=data["dietary_needs"],
                    accessibility_needs=data["accessibility_needs"],
                    language=data["language"],
                    wants_newsletter=data["wants_newsletter"],
                    consent_language=language,
                    ip=client_ip(request),
                )
            except RegistrationClosed:
                messages.error(request, _("Registration for this event has closed."))
                return redirect(event.get_public_url())
            return redirect("delegations:event_registered", slug=event.slug)
    context = {
        "event": event,
        "form": form,
        "sessions": list(event.sessions.prefetch_related("speakers")),
        "consent_text": CONSENT_TEXT,
        "consent_version": CONSENT_VERSION,
    }
    return render(request, "delegations/public/event.html", context)


@require_GET
@in_requested_language
def event_registered(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    return render(request, "delegations/public/registered.html", {"event": event})


def _link_problem(request: HttpRequest, error: InvalidToken) -> HttpResponse:
    gone = isinstance(error.__cause__, signing.SignatureExpired) or "used" in str(error)
    return render(
        request,
        "delegations/public/link_invalid.html",
        {"gone": gone},
        status=410 if gone else 400,
    )


def _registration_over(request: HttpRequest) -> HttpResponse:
    """A confirmation link for an event that is over, cancelled or no longer public."""
    return render(request, "delegations/public/link_invalid.html", {"over": True}, status=410)


def _with_registration(purpose: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            try:
                registration = read_token(token, purpose)
            except InvalidToken as error:
                return _link_problem(request, error)
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(registration.language)
                request.LANGUAGE_CODE = registration.language
            return view(request, registration, token)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


@never_cache
@require_http_methods(["GET", "POST"])
@_with_registration("confirm")
def registration_confirm(
    request: HttpRequest, registration: Registration, token: str
) -> HttpResponse:
    pending = registration.status == Registration.Status.PENDING
    if pending and not can_confirm(registration.event):
        return _registration_over(request)
    if request.method == "POST":
        try:
            registration = confirm(registration=registration, ip=client_ip(request))
        except RegistrationClosed:
            return _registration_over(request)
        return redirect("delegations:registration_manage", token=_manage_token(registration))
    return render(
        request,
        "delegations/public/confirm.html",
        {"registration": registration, "event": registration.event},
    )


def _manage_token(registration: Registration) -> str:
    from ..registrations import make_token

    return make_token(registration, "manage")


@never_cache
@require_http_methods(["GET", "POST"])
@_with_registration("manage")
def registration_manage(
    request: HttpRequest, registration: Registration, token: str
) -> HttpResponse:
    """The registrant's own page: status, changes, cancelling (confirmed with a button)."""
    event = registration.event
    active = registration.status != Registration.Status.CANCELLED
    can_change = active and event.status in (Event.Status.PUBLISHED, Event.Status.CLOSED)
    initial = {
        "name": registration.name,
        "organization": registration.organization,
        "sessions": list(registration.sessions.all()),
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
    }
    form = RegistrationChangeForm(
        request.POST if request.POST.get("action") == "change" else None,
        event=event,
        initial=initial,
    )
    if request.method == "POST" and can_change:
        if request.POST.get("action") == "cancel":
            # A seat given away by a slip of the finger is not given back: the box says so.
            if request.POST.get("confirm") != "yes":
                messages.error(
                    request,
                    _("Tick the box to confirm that you cancel; your registration is unchanged."),
                )
                return redirect(request.path)
            cancel(registration=registration)  # the status box on the page says so
            return redirect(request.path)
        if request.POST.get("action") == "change" and form.is_valid():
            change(registration=registration, data=form.cleaned_data)
            messages.success(request, _("Your changes are saved."))
            return redirect(request.path)
    context = {
        "registration": registration,
        "event": event,
        "form": form,
        "can_change": can_change,
        "position": registration.waitlist_position,
    }
    return render(request, "delegations/public/manage.html", context)
