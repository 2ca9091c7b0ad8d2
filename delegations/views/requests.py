"""Visit requests: the public form (no login), and the staff's triage queue, detail page and
steps (accept, decline with an answer, refer) with the editable answer template.

Requesters' personal data: ``view_visitrequest``, which the diplomacy unit holds and the mayor's
office does not (cityrelations/core/roles.py). The letter is only reachable through
:func:`visit_request_letter` (MEDIA_URL is never served).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.client_ip import client_ip
from cityrelations.core.languages import unit_name
from cityrelations.core.pagination import paginate
from cityrelations.core.throttle import Limit, attempt_allowed
from cityrelations.core.transitions import TransitionError

from ..filters import VisitRequestFilter
from ..forms.requests import DeclineForm, ReferForm, ReplyTemplateForm, VisitRequestForm
from ..models import VisitRequest, VisitRequestReply
from ..models.requests import PLACEHOLDERS
from ..requests import (
    reply_draft,
    status_counts,
    visit_request_accept,
    visit_request_decline,
    visit_request_refer,
    visit_request_submit,
)

PER_PAGE = 25


def request_attempt_allowed(*, email: str, ip: str | None) -> bool:
    """The public form's limits, counted like the subscribe form's (core/throttle.py): by
    default 3 requests an hour per address and 10 per hour per client (settings
    ``VISIT_REQUEST_LIMIT_PER_ADDRESS`` / ``VISIT_REQUEST_LIMIT_PER_IP``)."""
    return attempt_allowed(
        scope="delegations:visit_request",
        email=email,
        ip=ip,
        per_address=Limit(settings.VISIT_REQUEST_LIMIT_PER_ADDRESS, 3600),
        per_ip=Limit(settings.VISIT_REQUEST_LIMIT_PER_IP, 3600),
    )


def _page_language() -> str:
    return "hu" if (translation.get_language() or "en").startswith("hu") else "en"


# --- Public ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def visit_request_new(request: HttpRequest) -> HttpResponse:
    form = VisitRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.honeypot_filled():
            return redirect("delegations:visit_request_thanks")
        if form.is_valid():
            # Counted only when valid, like the subscribe form: mistakes cost nothing.
            ip = client_ip(request)
            if not request_attempt_allowed(email=form.cleaned_data["email"], ip=ip):
                return render(request, "delegations/requests/rate_limited.html", status=429)
            visit_request = form.save(commit=False)
            visit_request.language = _page_language()
            visit_request_submit(
                request=visit_request,
                letter=form.cleaned_data.get("letter"),
                letter_kind=form.letter_kind,
                ip=ip,
            )
            return redirect("delegations:visit_request_thanks")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "delegations/requests/public_form.html", {"form": form}, status=status)


@require_GET
def visit_request_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "delegations/requests/public_thanks.html")


# --- Staff ----------------------------------------------------------------------------------


def _request_for(pk: int) -> VisitRequest:
    return get_object_or_404(VisitRequest.objects.select_related("triaged_by", "visit"), pk=pk)


def _trail(visit_request: VisitRequest | None, title: str = "") -> list[tuple[str, str]]:
    trail = [(_("Visit requests"), reverse("delegations:visit_request_list"))]
    if visit_request is not None:
        trail.append((str(visit_request), visit_request.get_absolute_url()))
    if title:
        trail.append((title, ""))
    return trail


@login_required
@permission_required("delegations.view_visitrequest", raise_exception=True)
def visit_request_list(request: HttpRequest) -> HttpResponse:
    filterset = VisitRequestFilter(request.GET, queryset=VisitRequest.objects.all())
    page = paginate(request, filterset.qs, PER_PAGE)
    counts = status_counts()
    return render(
        request,
        "delegations/requests/list.html",
        {
            "filter": filterset,
            "page": page,
            "requests": page.object_list,
            "status_counts": [
                (value, label, counts[value]) for value, label in VisitRequest.Status.choices
            ],
        },
    )


@login_required
@permission_required("delegations.view_visitrequest", raise_exception=True)
def visit_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit_request = _request_for(pk)
    return render(
        request,
        "delegations/requests/detail.html",
        {"object": visit_request, "trail": _trail(None, str(visit_request))},
    )


@login_required
@permission_required("delegations.view_visitrequest", raise_exception=True)
def visit_request_letter(request: HttpRequest, pk: int) -> FileResponse:
    visit_request = _request_for(pk)
    if not visit_request.letter:
        raise Http404(_("This request has no letter."))
    try:
        handle = visit_request.letter.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404(_("The file of this letter is missing.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=visit_request.letter_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _handled_already(request: HttpRequest, visit_request: VisitRequest) -> HttpResponse:
    messages.info(
        request,
        _("This request is already “%(status)s”.") % {"status": visit_request.get_status_display()},
    )
    return redirect(visit_request)


@login_required
@permission_required("delegations.change_visitrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_request_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit_request = _request_for(pk)
    if request.method == "POST":
        try:
            visit = visit_request_accept(request=visit_request, by=request.user)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(visit_request)
        messages.success(
            request,
            _("Request accepted: the draft visit “%(visit)s” is ready to complete.")
            % {"visit": visit},
        )
        return redirect(visit)
    if visit_request.visit is not None:
        return redirect(visit_request.visit)
    if not visit_request.is_new:
        return _handled_already(request, visit_request)
    title = _("Accept the request")
    return render(
        request,
        "delegations/requests/accept.html",
        {"object": visit_request, "title": title, "trail": _trail(visit_request, title)},
    )


@login_required
@permission_required("delegations.change_visitrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_request_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer, prefilled from the template in the requester's language; "Preview" shows
    the email as it will be sent, and only "Send" (from the preview) declines and sends."""
    visit_request = _request_for(pk)
    if request.method == "GET" and not visit_request.is_new:
        return _handled_already(request, visit_request)
    if request.method == "POST":
        form = DeclineForm(request.POST)
    else:
        subject, body = reply_draft(visit_request)
        form = DeclineForm(initial={"subject": subject, "body": body})
    title = _("Decline the request")
    context = {
        "object": visit_request,
        "form": form,
        "title": title,
        "trail": _trail(visit_request, title),
        "language_name": visit_request.get_language_display(),
        # The email ends with the unit's name in the requester's language: the preview too.
        "signature": unit_name(visit_request.language),
    }
    editing = "edit" in request.POST
    if request.method == "POST" and form.is_valid() and not editing:
        if "send" not in request.POST:
            return render(request, "delegations/requests/decline_preview.html", context)
        try:
            visit_request_decline(
                request=visit_request,
                by=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(visit_request)
        messages.success(
            request,
            _("Request declined; the answer is being sent to %(email)s.")
            % {"email": visit_request.email},
        )
        return redirect("delegations:visit_request_list")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "delegations/requests/decline.html", context, status=status)


@login_required
@permission_required("delegations.change_visitrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_request_refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit_request = _request_for(pk)
    if request.method == "GET" and not visit_request.is_new:
        return _handled_already(request, visit_request)
    form = ReferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_request_refer(
                request=visit_request,
                by=request.user,
                referred_to=form.cleaned_data["referred_to"],
                note=form.cleaned_data["note"],
            )
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(visit_request)
        messages.success(
            request,
            _("Request referred to %(whom)s.") % {"whom": form.cleaned_data["referred_to"]},
        )
        return redirect("delegations:visit_request_list")
    title = _("Refer the request")
    return render(
        request,
        "delegations/requests/refer.html",
        {
            "object": visit_request,
            "form": form,
            "title": title,
            "trail": _trail(visit_request, title),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required("delegations.change_visitrequestreply", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_request_reply_update(request: HttpRequest) -> HttpResponse:
    reply = VisitRequestReply.current()
    form = ReplyTemplateForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        reply = form.save(commit=False)
        reply.updated_by = request.user
        reply.save()
        messages.success(request, _("The answer to declined requests is saved."))
        return redirect("delegations:visit_request_list")
    title = _("Answer to declined requests")
    return render(
        request,
        "delegations/requests/reply_form.html",
        {
            "form": form,
            "title": title,
            "trail": _trail(None, title),
            "placeholders": PLACEHOLDERS,
            "signatures": [unit_name("en"), unit_name("hu")],
            "cancel_url": reverse("delegations:visit_request_list"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
