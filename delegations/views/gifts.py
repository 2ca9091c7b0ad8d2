"""The gifts register: staff list, create (also from a visit page), edit, delete; and the public
register page and CSV, which leave out contact details and internal notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.exports import spreadsheet_response
from cityrelations.core.pagination import paginate
from cityrelations.core.views import form_page, get_from_query, object_from_query
from partners.models import Contact

from ..filters import GiftFilter, PublicGiftFilter
from ..forms.gifts import GiftForm
from ..gifts import public_gifts, public_headers, public_rows
from ..models import Gift, Visit

PER_PAGE = 25
PUBLIC_PER_PAGE = 50


def _gift_for(pk: int) -> Gift:
    return get_object_or_404(Gift.objects.select_related("visit", "counterpart_contact"), pk=pk)


def _visit_from_query(request: HttpRequest) -> Visit | None:
    raw = request.GET.get("visit", "")
    return get_from_query(Visit, raw) if raw else None


def _form_page(
    request: HttpRequest, form: GiftForm, title: str, visit: Visit | None
) -> HttpResponse:
    list_url = reverse("delegations:gift_list")
    trail: list[tuple[str, str]] = [(_("Gifts register"), list_url)]
    cancel_url = list_url
    if visit is not None:
        cancel_url = visit.get_absolute_url()
        trail = [(_("Visits"), reverse("delegations:visit_list")), (str(visit), cancel_url)]
    trail.append((title, ""))
    return form_page(request, form=form, title=title, cancel_url=cancel_url, trail=trail)


@login_required
@permission_required("delegations.view_gift", raise_exception=True)
def gift_list(request: HttpRequest) -> HttpResponse:
    queryset = Gift.objects.select_related("visit", "counterpart_contact")
    filterset = GiftFilter(request.GET, queryset=queryset)
    page = paginate(request, filterset.qs, PER_PAGE)
    return render(
        request,
        "delegations/gift_list.html",
        {"filter": filterset, "page": page, "gifts": page.object_list},
    )


@login_required
@permission_required("delegations.add_gift", raise_exception=True)
@require_http_methods(["GET", "POST"])
def gift_create(request: HttpRequest) -> HttpResponse:
    visit = _visit_from_query(request)
    initial: dict[str, object] = {"date": timezone.localdate()}
    if visit is not None:
        initial.update(visit=visit, date=visit.start_date)
    if contact := object_from_query(Contact, request.GET.get("contact")):
        initial["counterpart_contact"] = contact  # a contact's hub page: "Record a gift"
    form = GiftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            gift = form.save()
        messages.success(request, _("Gift “%(gift)s” recorded.") % {"gift": gift})
        return redirect(visit if visit is not None else "delegations:gift_list")
    return _form_page(request, form, _("Record a gift"), visit)


@login_required
@permission_required("delegations.change_gift", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def gift_update(request: HttpRequest, pk: int) -> HttpResponse:
    gift = _gift_for(pk)
    # Opened from a visit page (?from=visit): go back there afterwards.
    visit = gift.visit if request.GET.get("from") == "visit" else None
    form = GiftForm(request.POST or None, instance=gift)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            gift = form.save()
        messages.success(request, _("Gift “%(gift)s” saved.") % {"gift": gift})
        return redirect(visit if visit is not None else "delegations:gift_list")
    title = _("Edit gift “%(gift)s”") % {"gift": gift}
    return _form_page(request, form, title, visit)


@login_required
@permission_required("delegations.delete_gift", raise_exception=True)
@require_http_methods(["GET", "POST"])
def gift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    gift = _gift_for(pk)
    if request.method == "POST":
        description = str(gift)
        with transaction.atomic():
            gift.delete()
        messages.success(request, _("Gift “%(gift)s” deleted.") % {"gift": description})
        return redirect("delegations:gift_list")
    consequences = [
        _(
            "The gift disappears from the public register too. To record that a gift left the "
            "city's keeping, edit its disposition instead."
        )
    ]
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": gift,
            "cancel_url": reverse("delegations:gift_list"),
            "consequences": consequences,
        },
    )


# --- Public register (no login) -----------------------------------------------------------------


@require_GET
def gift_public(request: HttpRequest) -> HttpResponse:
    filterset = PublicGiftFilter(request.GET, queryset=public_gifts())
    page = paginate(request, filterset.qs, PUBLIC_PER_PAGE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "delegations/gift_public.html",
        {
            "filter": filterset,
            "page": page,
            "gifts": page.object_list,
            "export_query": export_query.urlencode(),
        },
    )


@require_GET
def gift_public_csv(request: HttpRequest) -> HttpResponse:
    filterset = PublicGiftFilter(request.GET, queryset=public_gifts())
    return spreadsheet_response(
        filename=f"gifts-register-{timezone.localdate():%Y-%m-%d}",
        headers=public_headers(),
        rows=public_rows(filterset.qs.iterator(chunk_size=2000)),
        fmt="csv",
    )
