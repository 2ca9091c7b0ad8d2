"""Staff pages for subscribers: the list (filters, search, counts), CSV/XLSX export (logged),
CSV import and the suppression list.

Citizens' personal data: only the diplomacy unit reads these pages (the mayor's office holds no
``view_subscriber`` / ``view_suppression`` permission; see cityrelations/core/roles.py)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.exports import personal_data_response
from cityrelations.core.models import PersonalDataExport
from cityrelations.core.pagination import paginate
from partners.models import Theme

from ..filters import SubscriberFilter
from ..forms import SubscriberImportForm, SuppressionAddForm, SuppressionLiftForm
from ..models import Subscriber, Suppression, SuppressionLift
from ..subscriptions import (
    IMPORT_COLUMNS,
    SuppressionNotLiftable,
    subscribers_import,
    suppression_add,
    suppression_lift,
)

PER_PAGE = 50


def _filtered(request: HttpRequest) -> SubscriberFilter:
    queryset = Subscriber.objects.select_related("consent_text").prefetch_related(
        Prefetch("topics", queryset=Theme.objects.order_by("name"))
    )
    return SubscriberFilter(request.GET or None, queryset=queryset)


@login_required
@permission_required("newsletters.view_subscriber", raise_exception=True)
@require_GET
def subscriber_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    page = paginate(request, filterset.qs, PER_PAGE)
    counts = Subscriber.objects.status_counts()
    status_counts = [
        (value, label, counts.get(value, 0)) for value, label in Subscriber.Status.choices
    ]
    return render(
        request,
        "newsletters/subscriber_list.html",
        {
            "filter": filterset,
            "page": page,
            "subscribers": page.object_list,
            "status_counts": status_counts,
            "total": sum(counts.values()),
        },
    )


@login_required
@permission_required("newsletters.view_subscriber", raise_exception=True)
@require_GET
def subscriber_export(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    rows = (
        (
            s.email,
            s.name,
            s.get_language_display(),
            "; ".join(t.name for t in s.topics.all()),
            s.get_status_display(),
            s.get_consent_source_display(),
            s.consent_evidence,
            s.consent_at.isoformat() if s.consent_at else "",
            s.consent_text.version if s.consent_text else "",
            s.confirmed_at.isoformat() if s.confirmed_at else "",
            s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
        )
        for s in filterset.qs
    )
    headers = [
        _("Email"),
        _("Name"),
        _("Language"),
        _("Topics"),
        _("Status"),
        _("Source"),
        _("Consent evidence"),
        _("Consent given"),
        _("Consent text"),
        _("Confirmed"),
        _("Unsubscribed"),
    ]
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return personal_data_response(
        request=request,
        kind=PersonalDataExport.Kind.SUBSCRIBERS,
        filename="subscribers",
        headers=headers,
        rows=rows,
        fmt=fmt,
    )


@login_required
@permission_required("newsletters.add_subscriber", raise_exception=True)
@require_http_methods(["GET", "POST"])
def subscriber_import(request: HttpRequest) -> HttpResponse:
    form = SubscriberImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", _("The file must be saved as UTF-8 text."))
        else:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            header = [(name or "").strip().lower() for name in reader.fieldnames or []]
            if "email" not in header:
                form.add_error(
                    "file", _("The first line must name the columns, with at least “email”.")
                )
            else:
                reader.fieldnames = header
                result = subscribers_import(rows=reader, by=request.user)
                if result.ok:
                    messages.success(
                        request,
                        _(
                            "Import done: %(active)d subscribed with consent evidence, %(pending)d "
                            "sent a confirmation email, %(known)d already known, %(suppressed)d "
                            "on the suppression list (skipped)."
                        )
                        % {
                            "active": result.activated,
                            "pending": result.pending,
                            "known": result.skipped_known,
                            "suppressed": result.skipped_suppressed,
                        },
                    )
                    return redirect("newsletters:subscriber_list")
                errors = result.errors
    return render(
        request,
        "newsletters/subscriber_import.html",
        {"form": form, "errors": errors, "columns": IMPORT_COLUMNS},
    )


@login_required
@permission_required("newsletters.view_suppression", raise_exception=True)
@require_http_methods(["GET", "POST"])
def suppression_list(request: HttpRequest) -> HttpResponse:
    form = SuppressionAddForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("newsletters.add_suppression"):
            raise PermissionDenied
        if form.is_valid():
            created = suppression_add(
                email=form.cleaned_data["email"], reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("The address is on the suppression list.")
                if created
                else _("The address was already on the suppression list."),
            )
            return redirect("newsletters:suppression_list")
    counts = Suppression.objects.reason_counts()
    reason_counts = [
        (value, label, counts.get(value, 0)) for value, label in Suppression.Reason.choices
    ]
    page = paginate(request, Suppression.objects.order_by("-created_at"), PER_PAGE)
    return render(
        request,
        "newsletters/suppression_list.html",
        {
            "form": form,
            "reason_counts": reason_counts,
            "total": sum(counts.values()),
            "page": page,
            "suppressions": page.object_list,
            "subscriber_list_url": reverse("newsletters:subscriber_list"),
            "lifts": SuppressionLift.objects.all()[:PER_PAGE],
        },
    )


@login_required
@permission_required("newsletters.delete_suppression", raise_exception=True)
@require_http_methods(["GET", "POST"])
def suppression_lift_view(request: HttpRequest) -> HttpResponse:
    """Two steps: the address and a reason, then a confirmation that shows what is lifted."""
    form = SuppressionLiftForm(request.POST or None)
    suppression = None
    if request.method == "POST" and form.is_valid():
        email, reason = form.cleaned_data["email"], form.cleaned_data["reason"]
        if request.POST.get("confirmed") == "yes":
            try:
                suppression_lift(email=email, reason=reason, by=request.user)
            except SuppressionNotLiftable:  # lifted by someone else meanwhile
                messages.info(request, _("This address is no longer suppressed."))
            else:
                messages.success(
                    request,
                    _("The suppression is lifted: %(email)s may be mailed again.")
                    % {"email": email},
                )
            return redirect("newsletters:suppression_list")
        suppression = Suppression.objects.for_email(email).first()
    list_url = reverse("newsletters:suppression_list")
    return render(
        request,
        "newsletters/suppression_lift.html",
        {
            "form": form,
            "suppression": suppression,
            "cancel_url": list_url,
            "trail": [
                (_("Subscribers"), reverse("newsletters:subscriber_list")),
                (_("Suppression list"), list_url),
                (_("Lift a suppression"), ""),
            ],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
