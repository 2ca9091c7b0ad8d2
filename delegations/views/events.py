"""Hosted events, the staff's side: list (filters, search, sort, pages), detail (agenda,
registrations counted by status; the registrants themselves only for those who may see personal
data), create/edit, delete (drafts only), the agenda's sessions, and the workflow's steps
(including the mayor's office's review of events the mayor attends)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.transitions import TransitionError, WrongRole
from cityrelations.core.views import form_page, safe_next

from ..eventflow import STEPS, allowed_steps, event_step
from ..filters import EventFilter, RegistrationFilter
from ..forms.events import EventForm, EventSessionForm, EventStepForm
from ..models import Event, EventSession, Registration, SessionAttendance
from ..registrations import fill_event_from_waitlist

PER_PAGE = 25
REGISTRATIONS_PER_PAGE = 50


def _trail(event: Event | None = None, *items: tuple[str, str]) -> list[tuple[str, str]]:
    trail = [(_("Events"), reverse("delegations:event_list"))]
    if event is not None:
        trail.append((event.title, event.get_absolute_url()))
    return [*trail, *items]


def _event_for(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("owner", "reviewed_by"), pk=pk)


def _with_counts(queryset: Any) -> Any:
    """Each event with its confirmed and waitlisted counts (two aggregates, one query)."""
    return queryset.annotate(
        confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
        waitlisted_count=Count("registrations", filter=Q(registrations__status="waitlisted")),
    )


def _attended_count() -> Coalesce:
    """A session's attendance count (a subquery: a second join would multiply ``chosen``)."""
    present = (
        SessionAttendance.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(present, output_field=IntegerField()), 0)


@login_required
@permission_required("delegations.view_event", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    queryset = _with_counts(Event.objects.select_related("owner"))
    event_filter = EventFilter(request.GET or None, queryset=queryset)
    events = event_filter.qs if event_filter.is_bound else queryset
    page = paginate(request, events, PER_PAGE)
    context = {
        "filter": event_filter,
        "page": page,
        "events": page.object_list,
    }
    return render(request, "delegations/event_list.html", context)


@login_required
@permission_required("delegations.view_event", raise_exception=True)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event: Event = get_object_or_404(
        Event.objects.select_related("owner", "reviewed_by").prefetch_related(
            "organizations", "themes", "sdgs"
        ),
        pk=pk,
    )
    sessions = list(
        event.sessions.prefetch_related("speakers").annotate(
            chosen=Count(
                "registrations",
                filter=Q(registrations__status__in=["confirmed", "waitlisted"]),
            ),
            attended=_attended_count(),
        )
    )
    counts = event.registrations.status_counts()
    context: dict[str, Any] = {
        "event": event,
        "sessions": sessions,
        "counts": [
            (status, label, counts.get(status, 0)) for status, label in Registration.Status.choices
        ],
        "seats_taken": counts.get(Registration.Status.CONFIRMED, 0),
        "checked_in_count": event.registrations.holding_seat()
        .filter(checked_in_at__isnull=False)
        .count(),
        "steps": allowed_steps(event=event, user=request.user),
        "step_form": EventStepForm(),
        "editable": event.is_editable,
        "history": history_rows(event, limit=20),
        "public_url": request.build_absolute_uri(event.get_public_url()),
        "trail": _trail(None, (event.title, "")),
    }
    if request.user.has_perm("delegations.view_registration"):
        registration_filter = RegistrationFilter(
            request.GET or None,
            queryset=event.registrations.prefetch_related("sessions"),
        )
        registrations = (
            registration_filter.qs if registration_filter.is_bound else registration_filter.queryset
        )
        context["registration_filter"] = registration_filter
        context["page"] = paginate(request, registrations, REGISTRATIONS_PER_PAGE)
    return render(request, "delegations/event_detail.html", context)


def _form_page(
    request: HttpRequest, form: EventForm, event: Event | None, title: str
) -> HttpResponse:
    return form_page(
        request,
        form=form,
        title=title,
        cancel_url=event.get_absolute_url() if event else reverse("delegations:event_list"),
        trail=_trail(event, (title, "")),
    )


@login_required
@permission_required("delegations.add_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.owner = request.user
        with transaction.atomic():
            event = form.save()
        messages.success(request, _("Event “%(title)s” created as a draft.") % {"title": event})
        return redirect(event)
    return _form_page(request, form, None, _("New event"))


@login_required
@permission_required("delegations.change_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def event_update(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(pk)
    if not event.is_editable:
        messages.error(
            request,
            _("An event that is %(status)s can no longer be edited.")
            % {"status": event.get_status_display().lower()},
        )
        return redirect(event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
        moved = fill_event_from_waitlist(event=event)  # more seats: the waitlist moves up
        messages.success(request, _("Event saved."))
        if (
            "mayor_attends" in form.changed_data
            and event.mayor_attends
            and event.status != Event.Status.DRAFT
            and event.review_status != Event.Review.APPROVED
        ):
            # A draft cannot be published before the review; an event already out can be.
            messages.warning(
                request,
                _(
                    "The mayor now attends this event, which is already public: ask the "
                    "mayor's office to review it."
                ),
            )
        if moved:
            messages.info(
                request,
                _("%(count)d people moved up from the waitlist and were emailed.")
                % {"count": len(moved)},
            )
        return redirect(event)
    return _form_page(request, form, event, _("Edit event"))


@login_required
@permission_required("delegations.delete_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(pk)
    if not event.can_delete:
        messages.error(request, _("Only draft events can be deleted; cancel this one instead."))
        return redirect(event)
    if request.method == "POST":
        title = str(event)
        event.delete()
        messages.success(request, _("Event “%(title)s” deleted.") % {"title": title})
        return redirect("delegations:event_list")
    context = {
        "object": event,
        "cancel_url": event.get_absolute_url(),
        "consequences": [_("Its sessions and registrations are deleted with it.")],
    }
    return render(request, "cityrelations/confirm_delete.html", context)


@login_required
@require_POST
def event_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step from the event page (plain POST)."""
    step = STEPS.get(action)
    if step is None or not request.user.has_perm(step.permission):
        raise PermissionDenied
    event = _event_for(pk)
    form = EventStepForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        event = event_step(event=event, by=request.user, action=action, comment=comment)
    except WrongRole as exc:
        raise PermissionDenied(exc.message) from exc
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": step.label})
    return redirect(safe_next(request, event.get_absolute_url()))


# --- The agenda -------------------------------------------------------------------------------


def _session_page(
    request: HttpRequest, event: Event, form: EventSessionForm, title: str
) -> HttpResponse:
    back = f"{event.get_absolute_url()}#sessions"
    if not event.is_editable:
        messages.error(request, _("This event can no longer be changed."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Session saved."))
        return redirect(back)
    return form_page(
        request, form=form, title=title, cancel_url=back, trail=_trail(event, (title, ""))
    )


@login_required
@permission_required("delegations.change_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_for(pk)
    initial = {"starts_at": event.starts_at, "ends_at": event.starts_at}
    form = EventSessionForm(request.POST or None, event=event, initial=initial)
    return _session_page(request, event, form, _("New session"))


def _session_for(pk: int) -> EventSession:
    return get_object_or_404(EventSession.objects.select_related("event"), pk=pk)


@login_required
@permission_required("delegations.change_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(pk)
    form = EventSessionForm(request.POST or None, event=session.event, instance=session)
    return _session_page(request, session.event, form, _("Edit session"))


@login_required
@permission_required("delegations.change_event", raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(pk)
    event = session.event
    back = f"{event.get_absolute_url()}#sessions"
    if not event.is_editable:
        messages.error(request, _("This event can no longer be changed."))
        return redirect(back)
    if request.method == "POST":
        session.delete()
        messages.success(request, _("Session deleted."))
        return redirect(back)
    context = {
        "object": session,
        "cancel_url": back,
        "consequences": [_("Registrations that chose it no longer list it.")],
    }
    return render(request, "cityrelations/confirm_delete.html", context)
