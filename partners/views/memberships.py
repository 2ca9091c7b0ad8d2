"""Memberships of the home city in organisations: the list (fees and reports due), create and
edit from the organisation page, delete, and "mark fee paid"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cityrelations.concurrency import refuses_stale_saves

from ..filters_organizations import MembershipFilter
from ..forms.organizations import MembershipForm
from ..memberships import membership_mark_fee_paid
from ..models import Membership, Organization

PER_PAGE = 25
DUE_HORIZON_DAYS = 90


def _membership_for(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("organization"), pk=pk)


def _organization_from_query(request: HttpRequest) -> Organization | None:
    raw = request.GET.get("organization", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("No such organisation.")
    return get_object_or_404(Organization, pk=int(raw))


@login_required
@permission_required("partners.view_membership", raise_exception=True)
def membership_list(request: HttpRequest) -> HttpResponse:
    queryset = Membership.objects.select_related("organization", "focal_point", "coordinator")
    filterset = MembershipFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "memberships": page.object_list,
        "horizon": DUE_HORIZON_DAYS,
        "today": timezone.localdate(),
        "fees_due_count": Membership.objects.fees_due(DUE_HORIZON_DAYS).count(),
        "reports_due_count": Membership.objects.reports_due(DUE_HORIZON_DAYS).count(),
    }
    return render(request, "partners/membership_list.html", context)


def _save(form: MembershipForm) -> Membership | None:
    """Save, turning a lost race on the database constraints into a form error."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error(
            "until",
            _("This organisation already has an open membership, or the dates are inconsistent."),
        )
        return None


def _form_page(
    request: HttpRequest, form: MembershipForm, title: str, organization: Organization | None
) -> HttpResponse:
    trail: list[tuple[str, str]] = [(_("Memberships"), reverse("partners:membership_list"))]
    cancel_url = reverse("partners:membership_list")
    if organization is not None:
        cancel_url = organization.get_absolute_url()
        trail = [
            (_("Organisations"), reverse("partners:organization_list")),
            (str(organization), cancel_url),
        ]
    trail.append((title, ""))
    return render(
        request,
        "cityrelations/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "trail": trail},
    )


@login_required
@permission_required("partners.add_membership", raise_exception=True)
def membership_create(request: HttpRequest) -> HttpResponse:
    organization = _organization_from_query(request)
    initial = {"organization": organization} if organization else {}
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        membership = _save(form)
        if membership is not None:
            messages.success(
                request,
                _("Membership in %(organization)s added.")
                % {"organization": membership.organization},
            )
            return redirect(membership.organization)
    return _form_page(request, form, _("New membership"), organization)


@login_required
@permission_required("partners.change_membership", raise_exception=True)
@refuses_stale_saves
def membership_update(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        saved = _save(form)
        if saved is not None:
            messages.success(
                request,
                _("Membership in %(organization)s saved.") % {"organization": saved.organization},
            )
            return redirect(saved.organization)
    title = _("Edit membership in %(organization)s") % {"organization": membership.organization}
    return _form_page(request, form, title, membership.organization)


@login_required
@permission_required("partners.delete_membership", raise_exception=True)
@require_http_methods(["GET", "POST"])
def membership_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(pk)
    organization = membership.organization
    if request.method == "POST":
        with transaction.atomic():
            membership.delete()
        messages.success(
            request, _("Membership in %(organization)s deleted.") % {"organization": organization}
        )
        return redirect(organization)
    consequences = [
        _(
            "To record that the city left the organisation, edit the membership and set an end "
            "date instead: deleting removes it from the record."
        )
    ]
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": membership,
            "cancel_url": organization.get_absolute_url(),
            "consequences": consequences,
        },
    )


@login_required
@permission_required("partners.change_membership", raise_exception=True)
@require_POST
def membership_fee_paid(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(pk)
    try:
        membership = membership_mark_fee_paid(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        assert membership.fee_due_on is not None  # the service just moved it
        messages.success(
            request,
            _("Fee for %(organization)s marked paid; the next one is due on %(date)s.")
            % {
                "organization": membership.organization,
                "date": date_format(membership.fee_due_on, "Y-m-d"),
            },
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(membership.organization)
