"""Contacts and the offices they hold: list, detail, create/edit/delete, duplicates and merge."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.formats import format_date
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import UncountedPage
from cityrelations.core.panels import panels_for
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.views import (
    get_from_query,
    object_from_query,
    safe_next,
    with_query,
)
from partners.filters.contacts import ContactFilter
from partners.forms.contacts import (
    ContactForm,
    MergeForm,
    OfficeForm,
    likely_duplicates,
)
from partners.models import City, Contact, MergedContact, Office, Organization
from partners.pickers import contact_label
from partners.services import contact_merge, office_create

from .bulk import CONTACT_BULK, may_export_contacts
from .interactions import timeline_entries

PAGE_SIZE = 25
TIMELINE_LIMIT = 50
CHOICES_LIMIT = 15


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("city", "organization")


def _contact_for(pk: int) -> Contact:
    return get_object_or_404(_contacts(), pk=pk)


def follows_merges(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A contact page whose contact was merged into another answers with a permanent redirect
    to the same page of the survivor (query string kept). Only for GET/HEAD: a form posted to
    a merged contact's page must not act on another record. Put it under the permission
    decorators, so that nobody learns which ids existed without the right to see them."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, pk, *args, **kwargs)
        except Http404:
            survivor = None
            if request.method in ("GET", "HEAD"):
                survivor = MergedContact.objects.survivor_id(pk)
            if survivor is None or request.resolver_match is None:
                raise
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "pk": survivor})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def _office_for(pk: int) -> Office:
    return get_object_or_404(Office.objects.select_related("contact"), pk=pk)


def _trail(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Contacts"), reverse("partners:contact_list")), *items]


@login_required
@permission_required("partners.view_contact", raise_exception=True)
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    contact_filter = ContactFilter(
        request.GET, queryset=Contact.objects.select_related("city", "organization")
    )
    # Without COUNT(*): a search over 100,000 contacts should not scan twice.
    page = UncountedPage(contact_filter.qs, request.GET.get("page"), PAGE_SIZE)
    filtered = any(request.GET.get(k) for k in ContactFilter.base_filters if k != "sort")
    return render(
        request,
        "partners/contact_list.html",
        {
            "form": contact_filter.form,
            "page": page,
            "contacts": page.object_list,
            "filtered": filtered,
            "may_export": may_export_contacts(request.user),
            **bulk_context(request, CONTACT_BULK),
            **saved_views_context(request, "contacts", filter_form=contact_filter.form),
        },
    )


def _split_offices(offices: list[Office]) -> tuple[list[Office], list[Office]]:
    today = timezone.localdate()
    current = [o for o in offices if o.ended_on is None or o.ended_on >= today]
    past = [o for o in offices if not (o.ended_on is None or o.ended_on >= today)]
    return current, past


@login_required
@permission_required("partners.view_contact", raise_exception=True)
@follows_merges
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(pk)
    offices = list(
        contact.offices.select_related("city", "organization").order_by(
            F("ended_on").desc(nulls_first=True), F("started_on").desc(nulls_last=True), "-pk"
        )
    )
    current_offices, past_offices = _split_offices(offices)
    interactions = list(contact.interactions.timeline()[: TIMELINE_LIMIT + 1])
    duplicates = likely_duplicates(
        email=contact.email,
        first_name=contact.first_name,
        last_name=contact.last_name,
        city=contact.city,
        exclude_pk=contact.pk,
    )
    context = {
        "contact": contact,
        "current_offices": current_offices,
        "past_offices": past_offices,
        "panels": panels_for("contact", request, contact),
        "focal_point_for": contact.focal_point_for.select_related("organization"),
        "entries": timeline_entries(
            interactions[:TIMELINE_LIMIT], request.user, contact.get_absolute_url()
        ),
        "timeline_truncated": len(interactions) > TIMELINE_LIMIT,
        "duplicates": list(duplicates),
        "history": history_rows(contact),
        # The shared history table shows field changes; merges are listed with their reason.
        "merges": list(
            contact.history.filter(history_change_reason__startswith="Merged")
            .select_related("history_user")
            .order_by("-history_date")[:20]
        ),
        "trail": _trail((contact.full_name, "")),
        "quick_add_query": f"contact={contact.pk}",
    }
    return render(request, "partners/contact_detail.html", context)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """``?city=``/``?organization=`` (from a hub page) prefill the new contact's."""
    initial: dict[str, Any] = {}
    if city := object_from_query(City, request.GET.get("city")):
        initial["city"] = city
    if organization := object_from_query(Organization, request.GET.get("organization")):
        initial["organization"] = organization
    return initial


@login_required
@permission_required("partners.add_contact", raise_exception=True)
def contact_create(request: HttpRequest) -> HttpResponse:
    """The contact form; also created in place from another form (JSON for picker.js), or
    returning to that form (``next``) with the new contact chosen (``?contact=<id>``)."""
    form = ContactForm(request.POST or None, initial=_initial_from_query(request))
    back = safe_next(request, "")
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        if wants_json:
            return JsonResponse(
                {"value": str(contact.pk), "label": contact_label(contact)}, status=201
            )
        messages.success(request, _("Contact “%(name)s” created.") % {"name": contact})
        return redirect(with_query(back, contact=contact.pk) if back else contact)
    if request.method == "POST" and wants_json:
        return _refused_json(form)
    context = {
        "form": form,
        "title": _("New contact"),
        "cancel_url": back or reverse("partners:contact_list"),
        "trail": _trail((_("New"), "")),
        "next": back,
        # Back to the form that asked for a new contact, with the existing one chosen instead.
        "duplicate_choices": [(c, with_query(back, contact=c.pk)) for c in form.duplicates]
        if back
        else [],
    }
    return render(request, "partners/contact_form.html", context)


def _refused_json(form: ContactForm) -> JsonResponse:
    """Why a contact created in place (the participant form) was refused. That small form has
    no "Create anyway" box: a likely duplicate is named, to be chosen in the picker instead."""
    if form.duplicates:
        names = ", ".join(contact_label(c) for c in form.duplicates)
        message = ngettext(
            "This person may already be a contact: %(names)s. Choose them in the contact "
            "picker instead, or open the full contact form if this is a different person.",
            "These people may already be contacts: %(names)s. Choose the right one in the "
            "contact picker instead, or open the full contact form if this is a different "
            "person.",
            len(form.duplicates),
        ) % {"names": names}
        duplicates = [{"value": str(c.pk), "label": contact_label(c)} for c in form.duplicates]
        return JsonResponse({"errors": [message], "duplicates": duplicates}, status=400)
    problems = [str(e) for e in form.non_field_errors()] + [
        f"{form[name].label}: {error}"
        for name, errors in form.errors.items()
        if name != "__all__"
        for error in errors
    ]
    return JsonResponse({"errors": problems}, status=400)


@login_required
@permission_required("partners.change_contact", raise_exception=True)
@follows_merges
@refuses_stale_saves
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Contact “%(name)s” saved.") % {"name": contact})
        return redirect(contact)
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": contact},
        "cancel_url": contact.get_absolute_url(),
        "trail": _trail((contact.full_name, contact.get_absolute_url()), (_("Edit"), "")),
    }
    return render(request, "partners/contact_form.html", context)


@login_required
@permission_required("partners.delete_contact", raise_exception=True)
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_for(pk)
    if request.method == "POST":
        name = str(contact)
        contact.delete()
        messages.success(request, _("Contact “%(name)s” deleted.") % {"name": name})
        return redirect("partners:contact_list")
    offices, interactions = contact.offices.count(), contact.interactions.count()
    consequences = [
        ngettext(
            "%(n)s office held by this contact will be deleted.",
            "%(n)s offices held by this contact will be deleted.",
            offices,
        )
        % {"n": offices},
        ngettext(
            "The contact is removed from %(n)s interaction; the interaction stays.",
            "The contact is removed from %(n)s interactions; the interactions stay.",
            interactions,
        )
        % {"n": interactions},
        _("Memberships with this contact as focal point keep no focal point."),
    ]
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": contact, "consequences": consequences, "cancel_url": contact.get_absolute_url()},
    )


# --- Offices -------------------------------------------------------------------------------------


@login_required
@permission_required("partners.add_office", raise_exception=True)
def office_create_view(request: HttpRequest) -> HttpResponse:
    contact = get_from_query(_contacts(), request.GET.get("contact"))
    form = OfficeForm(request.POST or None, contact=contact)
    if request.method == "POST" and form.is_valid():
        end_previous = form.previous_holders if form.cleaned_data.get("end_previous") else []
        office = office_create(office=form.instance, end_previous=end_previous, by=request.user)
        messages.success(request, _("Office “%(title)s” added.") % {"title": office.title})
        for old in end_previous:
            messages.info(
                request,
                _("%(name)s's term ends on %(date)s.")
                % {"name": old.contact, "date": format_date(form.handover_on)},
            )
        return redirect(contact)
    title = _("New office for %(name)s") % {"name": contact}
    return _office_form_page(request, form, contact, title)


@login_required
@permission_required("partners.change_office", raise_exception=True)
@refuses_stale_saves
def office_update(request: HttpRequest, pk: int) -> HttpResponse:
    office = _office_for(pk)
    contact = office.contact
    form = OfficeForm(request.POST or None, instance=office, contact=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Office “%(title)s” saved.") % {"title": office.title})
        return redirect(contact)
    title = _("Edit office “%(title)s”") % {"title": office.title}
    return _office_form_page(request, form, contact, title)


def _office_form_page(
    request: HttpRequest, form: OfficeForm, contact: Contact, title: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "contact": contact,
        "cancel_url": contact.get_absolute_url(),
        "trail": _trail((contact.full_name, contact.get_absolute_url()), (title, "")),
    }
    return render(request, "partners/office_form.html", context)


@login_required
@permission_required("partners.delete_office", raise_exception=True)
def office_delete(request: HttpRequest, pk: int) -> HttpResponse:
    office = _office_for(pk)
    contact = office.contact
    if request.method == "POST":
        office.delete()
        messages.success(request, _("Office “%(title)s” deleted.") % {"title": office.title})
        return redirect(contact)
    consequences = [
        _("To record that a term ended, edit the office and give an end date instead."),
    ]
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": office, "consequences": consequences, "cancel_url": contact.get_absolute_url()},
    )


# --- Merge ---------------------------------------------------------------------------------------


def _merge_pair(request: HttpRequest) -> tuple[Contact, Contact]:
    picks = request.GET.getlist("pick")
    a, b = (picks[0], picks[1]) if picks else (request.GET.get("a"), request.GET.get("b"))
    return get_from_query(_contacts(), a), get_from_query(_contacts(), b)


@login_required
@permission_required("partners.change_contact", raise_exception=True)
@permission_required("partners.delete_contact", raise_exception=True)
def contact_merge_view(request: HttpRequest) -> HttpResponse:
    if len(request.GET.getlist("pick")) not in (0, 2):
        messages.error(request, _("Tick exactly two contacts to compare and merge."))
        return redirect("partners:contact_list")
    a, b = _merge_pair(request)
    if a.pk == b.pk:
        messages.error(request, _("Pick two different contacts to merge."))
        return redirect(a)
    form = MergeForm(request.POST or None, a=a, b=b)
    if request.method == "POST" and form.is_valid():
        keep, remove = form.keep_and_remove()
        try:
            contact_merge(keep=keep, remove=remove, values=form.values(), by=request.user)
        except (ValidationError, Contact.DoesNotExist) as error:
            messages.error(request, _("The contacts were not merged: %(error)s") % {"error": error})
        else:
            messages.success(
                request, _("“%(removed)s” was merged into this contact.") % {"removed": remove}
            )
            return redirect(keep)
    context = {
        "form": form,
        "a": a,
        "b": b,
        "counts": {
            "a": _attached_counts(a),
            "b": _attached_counts(b),
        },
        "trail": _trail((_("Merge"), "")),
    }
    return render(request, "partners/contact_merge.html", context)


def _attached_counts(contact: Contact) -> dict[str, int]:
    return {
        "offices": contact.offices.count(),
        "interactions": contact.interactions.count(),
        "focal_point_for": contact.focal_point_for.count(),
        "tasks": contact.tasks.count(),
    }
