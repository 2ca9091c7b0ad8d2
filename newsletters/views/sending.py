"""Staff views that start and watch a send: send now, schedule, cancel a schedule, send a test
copy, and the progress partial the send panel polls with htmx."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityrelations.core.formats import format_datetime
from cityrelations.core.http import AuthenticatedHttpRequest
from cityrelations.core.views import form_page

from ..models import Edition
from ..sending.progress import edition_progress
from ..sending.start import (
    EditionNotSendable,
    edition_queue_test,
    edition_schedule,
    edition_send,
    edition_unschedule,
)

CHANGE = "newsletters.change_edition"
VIEW = "newsletters.view_edition"


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Local time (Budapest)."),
    )

    def clean_when(self) -> dt.datetime:
        when = self.cleaned_data["when"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return when


def _edition_for(request: HttpRequest, pk: int) -> Edition:
    return get_object_or_404(Edition, pk=pk)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def send_now(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    try:
        count = edition_send(edition=edition, by=request.user)
    except EditionNotSendable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "Sending started: %(count)d subscriber is queued.",
                "Sending started: %(count)d subscribers are queued.",
                count,
            )
            % {"count": count},
        )
    return redirect(edition)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    initial = {"when": timezone.localtime(edition.scheduled_for)} if edition.scheduled_for else {}
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edition_schedule(edition=edition, when=form.cleaned_data["when"], by=request.user)
        except EditionNotSendable as exc:
            messages.error(request, str(exc))
        else:
            when = timezone.localtime(form.cleaned_data["when"])
            messages.success(
                request,
                _("The edition will be sent on %(when)s.") % {"when": format_datetime(when)},
            )
        return redirect(edition)
    return form_page(
        request,
        form=form,
        title=_("Schedule “%(title)s”") % {"title": edition.title},
        cancel_url=edition.get_absolute_url(),
        trail=[(_("Editions"), None), (edition.title, edition.get_absolute_url())],
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    try:
        edition_unschedule(edition=edition, by=request.user)
    except EditionNotSendable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The schedule was cancelled; the edition is approved."))
    return redirect(edition)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def send_test(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    address = request.user.email
    if not address:
        messages.error(request, _("Your account has no email address to send the test copy to."))
        return redirect(edition)
    edition_queue_test(edition=edition, to=address)  # a task sends it, not this request
    messages.success(request, _("A test copy is on its way to %(email)s.") % {"email": address})
    return redirect(edition)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(request, pk)
    return render(
        request,
        "newsletters/_progress.html",
        {"edition": edition, "progress": edition_progress(edition)},
    )
