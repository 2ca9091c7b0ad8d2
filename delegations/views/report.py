"""The post-visit report on a visit page: outcomes, "mark report complete", and making a
completed visit public for the newsletter. Its follow-ups are tasks (partners/views/tasks.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.views import form_page

from ..forms.report import PublishForm, ReportForm
from ..models import Visit
from ..report import visit_publish as publish_visit
from ..report import visit_report_save
from .common import visit_for, visit_trail

REPORT_ANCHOR = "#report"


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
