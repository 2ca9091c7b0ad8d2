"""The post-visit report on a visit page: outcomes, follow-ups (add, edit, tick, delete), "mark
report complete", and making a completed visit public for the newsletter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.views import form_page

from ..forms.report import FollowUpForm, PublishForm, ReportForm
from ..models import FollowUp, Visit
from ..report import followup_toggle as toggle_follow_up
from ..report import visit_publish as publish_visit
from ..report import visit_report_save
from .common import visit_for, visit_trail

REPORT_ANCHOR = "#report"


def _follow_up_for(pk: int) -> FollowUp:
    return get_object_or_404(FollowUp.objects.select_related("visit", "owner"), pk=pk)


def _back_to_report(visit: Visit) -> HttpResponse:
    return redirect(visit.get_absolute_url() + REPORT_ANCHOR)


def _apply_errors(form: ReportForm | PublishForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
@permission_required("delegations.change_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def report_update(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    form = ReportForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        complete = (
            True if "complete" in request.POST else False if "reopen" in request.POST else None
        )
        try:
            visit = visit_report_save(
                visit=visit,
                outcomes=form.cleaned_data["outcomes"],
                complete=complete,
                version=form.expected_version,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if complete:
                messages.success(request, _("Report marked complete."))
            elif complete is False:
                messages.success(request, _("Report reopened."))
            else:
                messages.success(request, _("Report saved."))
            return _back_to_report(visit)
    return render(
        request,
        "delegations/report_form.html",
        {
            "form": form,
            "visit": visit,
            "title": _("Post-visit report"),
            "trail": visit_trail(visit, (_("Post-visit report"), "")),
        },
    )


def _report_form_page(
    request: HttpRequest, form: Any, visit: Visit, title: str, crumb: str = ""
) -> HttpResponse:
    """A form of the report section; back to the visit page's report when cancelled."""
    return form_page(
        request,
        form=form,
        title=title,
        cancel_url=visit.get_absolute_url() + REPORT_ANCHOR,
        trail=visit_trail(visit, (crumb or title, "")),
    )


@login_required
@permission_required("delegations.add_followup", raise_exception=True)
@require_http_methods(["GET", "POST"])
def followup_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    form = FollowUpForm(request.POST or None, instance=FollowUp(visit=visit))
    if request.method == "POST" and form.is_valid():
        follow_up = form.save()
        messages.success(request, _("Follow-up “%(f)s” added.") % {"f": follow_up})
        return _back_to_report(visit)
    return _report_form_page(request, form, visit, _("New follow-up"))


@login_required
@permission_required("delegations.change_followup", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def followup_update(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up_for(pk)
    form = FollowUpForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        follow_up = form.save()
        messages.success(request, _("Follow-up “%(f)s” saved.") % {"f": follow_up})
        return _back_to_report(follow_up.visit)
    return _report_form_page(request, form, follow_up.visit, _("Edit follow-up"))


@login_required
@permission_required("delegations.delete_followup", raise_exception=True)
@require_http_methods(["GET", "POST"])
def followup_delete(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up_for(pk)
    visit = follow_up.visit
    if request.method == "POST":
        description = str(follow_up)
        follow_up.delete()
        messages.success(request, _("Follow-up “%(f)s” deleted.") % {"f": description})
        return _back_to_report(visit)
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": follow_up, "cancel_url": visit.get_absolute_url() + REPORT_ANCHOR},
    )


@login_required
@permission_required("delegations.change_followup", raise_exception=True)
@require_POST
def followup_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick or untick: htmx swaps the row in place; without JavaScript, back to the page."""
    follow_up = toggle_follow_up(follow_up=_follow_up_for(pk))
    if getattr(request, "htmx", False):
        return render(
            request,
            "delegations/_report_followup_row.html",
            {"f": follow_up, "visit": follow_up.visit, "today": timezone.localdate()},
        )
    if follow_up.done:
        messages.success(request, _("Follow-up “%(f)s” done.") % {"f": follow_up})
    else:
        messages.success(request, _("Follow-up “%(f)s” reopened.") % {"f": follow_up})
    return _back_to_report(follow_up.visit)


@login_required
@permission_required("delegations.change_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def visit_publish(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    if not visit.can_publish:
        messages.error(
            request,
            _(
                "Only a completed visit can be made public for the newsletter. This visit is "
                "%(status)s; mark it completed first."
            )
            % {"status": visit.get_status_display().lower()},
        )
        return _back_to_report(visit)
    form = PublishForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        try:
            visit = publish_visit(
                visit=visit,
                is_public=form.cleaned_data["is_public"],
                public_summary=form.cleaned_data["public_summary"],
                version=form.expected_version,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if visit.is_public:
                messages.success(request, _("The visit is public: the newsletter can report it."))
            else:
                messages.success(request, _("The visit is not public."))
            return _back_to_report(visit)
    title = _("Publish “%(visit)s”") % {"visit": visit}
    return _report_form_page(request, form, visit, title, crumb=_("Publish"))
