"""On the day of a hosted event, for the diplomacy unit (registrants are personal data: the
mayor's office sees counts on the event page, not these pages): the check-in page (made for a
phone: search by name, one tap per person, per session too), name badges and certificates of
attendance as PDFs, and the registrations' CSV/XLSX export. Every download of registrants'
data is recorded in the personal-data export log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cityrelations.core.exports import log_personal_data_export, personal_data_response
from cityrelations.core.models import PersonalDataExport
from cityrelations.core.pagination import paginate
from cityrelations.core.search import searched
from cityrelations.core.views import safe_next

from ..models import Event, EventSession, Registration, SessionAttendance
from ..onsite import (
    badges_filename,
    certificate_standing,
    certificates_filename,
    registration_check_in,
    render_badges,
    render_certificates,
    session_attendance_set,
)

CHECKIN_PER_PAGE = 40
EXPORT_KIND = PersonalDataExport.Kind.EVENT_REGISTRATIONS


def _event_for(pk: int) -> Event:
    return get_object_or_404(Event, pk=pk)


def _trail(event: Event, title: str) -> list[tuple[str, str]]:
    return [
        (_("Events"), reverse("delegations:event_list")),
        (event.title, event.get_absolute_url()),
        (title, ""),
    ]


def _chosen_session(request: HttpRequest, sessions: list[EventSession]) -> EventSession | None:
    """``?session=<id>``: one of the event's sessions; anything else means arrival at the door."""
    wanted = request.GET.get("session") or request.POST.get("session") or ""
    return next((s for s in sessions if str(s.pk) == wanted), None)


def _counts(event: Event, session: EventSession | None) -> dict[str, int]:
    """Confirmed registrants, and how many are checked in (or present at ``session``)."""
    totals = event.registrations.holding_seat().aggregate(
        confirmed=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )
    if session is not None:
        totals["present"] = SessionAttendance.objects.filter(
            session=session, registration__status=Registration.Status.CONFIRMED
        ).count()
    else:
        totals["present"] = totals["checked_in"]
    return totals


def _row_context(
    registration: Registration, session: EventSession | None, present: bool, next_url: str
) -> dict[str, Any]:
    if session is None:
        action = reverse("delegations:registration_checkin", args=[registration.pk])
    else:
        action = reverse("delegations:registration_attendance", args=[registration.pk, session.pk])
    return {
        "r": registration,
        "session": session,
        "present": present,
        "action": action,
        "next_url": next_url,
    }


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def event_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The door list: confirmed registrants by name, searchable; at the door (arrival) or at
    one session (``?session=``)."""
    event = _event_for(pk)
    sessions = list(event.sessions.all())
    session = _chosen_session(request, sessions)
    query = request.GET.get("q", "").strip()
    registrants: QuerySet[Registration] = event.registrations.holding_seat().order_by("name", "pk")
    if query:
        registrants = searched(registrants, query)
    page = paginate(request, registrants, CHECKIN_PER_PAGE)
    present_ids: set[int] = set()
    if session is not None:
        present_ids = set(
            SessionAttendance.objects.filter(
                session=session, registration__in=[r.pk for r in page.object_list]
            ).values_list("registration_id", flat=True)
        )
    next_url = request.get_full_path()
    rows = [
        _row_context(
            r,
            session,
            (r.pk in present_ids) if session else r.checked_in_at is not None,
            next_url,
        )
        for r in page.object_list
    ]
    context = {
        "event": event,
        "sessions": sessions,
        "session": session,
        "query": query,
        "page": page,
        "rows": rows,
        "counts": _counts(event, session),
        "trail": _trail(event, _("Check-in")),
    }
    return render(request, "delegations/onsite/checkin.html", context)


def _after_tap(
    request: HttpRequest,
    registration: Registration,
    session: EventSession | None,
    present: bool,
    message: str,
) -> HttpResponse:
    """htmx: the row in its new state, and the counts (out of band); otherwise back to the list
    (its search and page kept) with a message."""
    event = registration.event
    back = safe_next(request, reverse("delegations:event_checkin", args=[event.pk]))
    if getattr(request, "htmx", False):
        context = {
            **_row_context(registration, session, present, back),
            "counts": _counts(event, session),
            "oob": True,
        }
        return render(request, "delegations/onsite/_checkin_row.html", context)
    messages.success(request, message % {"name": registration.name})
    return redirect(back)


def _refused(
    request: HttpRequest, registration: Registration, error: ValidationError
) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    back = safe_next(request, reverse("delegations:event_checkin", args=[registration.event_id]))
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = back  # the page again, with the message
        return response
    return redirect(back)


def _registration_for(pk: int) -> Registration:
    return get_object_or_404(Registration.objects.select_related("event"), pk=pk)


@login_required
@permission_required("delegations.change_registration", raise_exception=True)
@require_POST
def registration_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap at the door: ``present=1`` checks in, ``present=0`` undoes it."""
    registration = _registration_for(pk)
    present = request.POST.get("present") == "1"
    try:
        registration = registration_check_in(registration=registration, present=present)
    except ValidationError as exc:
        return _refused(request, registration, exc)
    message = _("%(name)s is checked in.") if present else _("Check-in undone for %(name)s.")
    return _after_tap(request, registration, None, present, message)


@login_required
@permission_required("delegations.change_registration", raise_exception=True)
@require_POST
def registration_attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """One tap at a session: ``present=1`` records the attendance, ``present=0`` removes it."""
    registration = _registration_for(pk)
    session = get_object_or_404(EventSession, pk=session_pk)
    wanted = request.POST.get("present") == "1"
    try:
        present = session_attendance_set(
            registration=registration, session=session, present=wanted, by=request.user
        )
    except ValidationError as exc:
        return _refused(request, registration, exc)
    message = _("%(name)s is marked present.") if present else _("Attendance removed for %(name)s.")
    return _after_tap(request, registration, session, present, message)


# --- Documents: badges, certificates ------------------------------------------------------------


def _pdf(request: HttpRequest, pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if request.GET.get("inline") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _log(request: HttpRequest, event: Event, what: str, rows: int, file_format: str) -> None:
    log_personal_data_export(
        request=request,
        kind=EXPORT_KIND,
        filters=f"event={event.pk}&document={what}",
        row_count=rows,
        file_format=file_format,
    )


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def event_badges(request: HttpRequest, pk: int) -> HttpResponse:
    """Name badges for every confirmed registrant, on A4 sheets."""
    event = _event_for(pk)
    registrations = list(event.registrations.holding_seat().order_by("name", "pk"))
    pdf = render_badges(event, registrations)
    _log(request, event, "badges", len(registrations), "pdf")
    return _pdf(request, pdf, badges_filename(event))


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def event_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """Who attended how many sessions, who qualifies, and their certificates."""
    event = _event_for(pk)
    standing = certificate_standing(event)
    context = {
        "event": event,
        "standing": standing,
        "qualifying_count": len(standing.qualifying),
        "trail": _trail(event, _("Certificates of attendance")),
    }
    return render(request, "delegations/onsite/certificates_page.html", context)


def _no_certificates(request: HttpRequest, event: Event, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("delegations:event_certificates", event.pk)


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def event_certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every qualifying participant's certificate in one PDF, each in their own language."""
    event = _event_for(pk)
    qualifying = certificate_standing(event).qualifying
    if not qualifying:
        return _no_certificates(request, event, _("Nobody qualifies for a certificate yet."))
    pdf = render_certificates(event, qualifying)
    _log(request, event, "certificates", len(qualifying), "pdf")
    return _pdf(request, pdf, certificates_filename(event))


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def registration_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's certificate, in their language; refused when they do not qualify."""
    registration = _registration_for(pk)
    event = registration.event
    row = next(
        (r for r in certificate_standing(event).rows if r.registration.pk == registration.pk),
        None,
    )
    if row is None or not row.qualifies:
        return _no_certificates(
            request,
            event,
            _("%(name)s does not qualify for a certificate.") % {"name": registration.name},
        )
    pdf = render_certificates(event, [row.registration])
    _log(request, event, f"certificate:{registration.pk}", 1, "pdf")
    return _pdf(request, pdf, certificates_filename(event, registration))


# --- The registrations' export --------------------------------------------------------------------

EXPORT_HEADERS = (
    gettext_lazy("Name"),
    gettext_lazy("Email"),
    gettext_lazy("Organisation"),
    gettext_lazy("Country"),
    gettext_lazy("Language"),
    gettext_lazy("Status"),
    gettext_lazy("Sessions chosen"),
    gettext_lazy("Dietary needs"),
    gettext_lazy("Accessibility needs"),
    gettext_lazy("Wants the newsletter"),
    gettext_lazy("Registered"),
    gettext_lazy("Confirmed"),
    gettext_lazy("Checked in"),
    gettext_lazy("Sessions attended"),
)


def _local(value: Any) -> Any:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _export_row(r: Registration) -> list[Any]:
    return [
        r.name,
        r.email,
        r.organization,
        r.country.name if r.country else "",
        r.get_language_display(),
        r.get_status_display(),
        "; ".join(s.title for s in r.sessions.all()),
        r.dietary_needs,
        r.accessibility_needs,
        _("yes") if r.wants_newsletter else _("no"),
        _local(r.created_at),
        _local(r.confirmed_at),
        _local(r.checked_in_at),
        r.attended_count,  # type: ignore[attr-defined]
    ]


@login_required
@permission_required("delegations.view_registration", raise_exception=True)
@require_GET
def event_registrations_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every registration of the event (any status), ``?format=csv`` or ``xlsx``."""
    event = _event_for(pk)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    registrations = (
        event.registrations.with_attended_count()
        .prefetch_related(
            Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "pk"))
        )
        .order_by("name", "pk")
    )
    return personal_data_response(
        request=request,
        kind=EXPORT_KIND,
        filename=f"{slugify(_('registrations'))}-{event.slug}",
        headers=[str(h) for h in EXPORT_HEADERS],
        rows=(_export_row(r) for r in registrations),
        fmt=fmt,
        filters=f"event={event.pk}",
    )
