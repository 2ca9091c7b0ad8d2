"""Memberships of the home city in organisations: the list (fees and reports due), create and
edit from the organisation page, delete, a detail page with fees and history, and fee payments
(recorded after a confirmation step, voided rather than deleted)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.formats import format_date
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.totals import money_totals
from cityrelations.core.views import form_page, get_from_query

from ..filters.organizations import MembershipFilter
from ..forms.fees import FeePaymentForm, FeePaymentVoidForm
from ..forms.organizations import MembershipForm
from ..memberships import fee_payment_record, one_year_later
from ..memberships import fee_payment_void as void_payment
from ..models import FeePayment, Membership, Organization
from .bulk import MEMBERSHIP_BULK

PER_PAGE = 25
DUE_HORIZON_DAYS = 90


def _membership_for(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("organization"), pk=pk)


def _organization_from_query(request: HttpRequest) -> Organization | None:
    raw = request.GET.get("organization", "")
    return get_from_query(Organization, raw) if raw else None


@login_required
@permission_required("partners.view_membership", raise_exception=True)
def membership_list(request: HttpRequest) -> HttpResponse:
    queryset = Membership.objects.select_related("organization", "focal_point", "coordinator")
    filterset = MembershipFilter(request.GET, queryset=queryset)
    page = paginate(request, filterset.qs, PER_PAGE)
    context = {
        "filter": filterset,
        "page": page,
        "memberships": page.object_list,
        "horizon": DUE_HORIZON_DAYS,
        "today": timezone.localdate(),
        "fees_due_count": Membership.objects.fees_due(DUE_HORIZON_DAYS).count(),
        "reports_due_count": Membership.objects.reports_due(DUE_HORIZON_DAYS).count(),
        "fee_totals": money_totals(filterset.qs, amount="annual_fee", currency="fee_currency"),
        **bulk_context(request, MEMBERSHIP_BULK),
        **saved_views_context(request, "memberships", filter_form=filterset.form),
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
    return form_page(request, form=form, title=title, cancel_url=cancel_url, trail=trail)


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
        try:
            with transaction.atomic():
                membership.delete()
        except ProtectedError:
            messages.error(
                request,
                _(
                    "This membership has recorded fee payments, so it cannot be deleted: "
                    "set an end date instead."
                ),
            )
            return redirect("partners:membership_detail", pk=membership.pk)
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


def _payment_for(pk: int) -> FeePayment:
    return get_object_or_404(FeePayment.objects.select_related("membership__organization"), pk=pk)


def _membership_trail(membership: Membership, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("Memberships"), reverse("partners:membership_list")),
        (str(membership.organization), membership.organization.get_absolute_url()),
        *extra,
    ]


@login_required
@permission_required("partners.view_membership", raise_exception=True)
def membership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_for(pk)
    payments = membership.fee_payments.select_related("recorded_by", "voided_by")
    return render(
        request,
        "partners/membership_detail.html",
        {
            "membership": membership,
            "payments": payments,
            "history": history_rows(membership),
            "today": timezone.localdate(),
            "trail": _membership_trail(membership, (_("Fees and history"), "")),
        },
    )


@login_required
@permission_required("partners.add_feepayment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def membership_fee_paid(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a fee payment in two steps (form, then confirm), without JavaScript."""
    membership = _membership_for(pk)
    initial = {
        "paid_on": timezone.localdate(),
        "amount": membership.annual_fee,
        "currency": membership.fee_currency,
        "expected_due_on": membership.fee_due_on,
    }
    form = FeePaymentForm(request.POST or None, initial=initial)
    confirming = False
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "confirm" not in request.POST:
            confirming = True
        else:
            try:
                payment = fee_payment_record(
                    membership=membership,
                    **form.cleaned_data,
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _payment_message(payment))
                return redirect("partners:membership_detail", pk=membership.pk)
    next_due = one_year_later(membership.fee_due_on) if membership.fee_due_on else None
    title = _("Record a fee payment: %(organization)s") % {"organization": membership.organization}
    return render(
        request,
        "partners/fee_payment_form.html",
        {
            "form": form,
            "membership": membership,
            "confirming": confirming,
            "next_due": next_due,
            "title": title,
            "trail": _membership_trail(membership, (_("Record a fee payment"), "")),
        },
    )


def _payment_message(payment: FeePayment) -> str:
    if payment.due_after is None:
        return _("Payment recorded.")
    return _("Payment recorded; the next fee is due on %(date)s.") % {
        "date": format_date(payment.due_after)
    }


@login_required
@permission_required("partners.change_feepayment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def fee_payment_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void a payment recorded by mistake, after confirmation and with a reason; it stays listed."""
    payment = _payment_for(pk)
    membership = payment.membership
    if payment.is_void:
        messages.info(request, _("This payment has already been voided."))
        return redirect("partners:membership_detail", pk=membership.pk)
    form = FeePaymentVoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restored = void_payment(
                payment=payment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _void_message(restored, membership))
            return redirect("partners:membership_detail", pk=membership.pk)
    return render(
        request,
        "partners/fee_payment_void.html",
        {
            "form": form,
            "payment": payment,
            "membership": membership,
            "trail": _membership_trail(membership, (_("Void a payment"), "")),
        },
    )


def _void_message(restored: bool, membership: Membership) -> str:
    if restored:
        membership.refresh_from_db(fields=["fee_due_on"])
        day = format_date(membership.fee_due_on) or "—"
        return _("Payment voided; the fee is due on %(date)s again.") % {"date": day}
    return _(
        "Payment voided. The fee due date was changed after this payment, so it was left as it "
        "is: check it."
    )
