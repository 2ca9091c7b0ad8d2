"""Organisations: list, detail (memberships, people, agreements, projects, timeline, history),
create, edit and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.panels import panels_for
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.views import form_page

from ..filters.organizations import OrganizationFilter
from ..forms.organizations import OrganizationForm
from ..models import Agreement, Membership, Organization, Project
from ..timeline import (
    TimelineEntry,
    agreement_entries,
    interaction_entries,
    merge_timeline,
    project_entries,
)
from .bulk import ORGANIZATION_BULK

PER_PAGE = 25
TIMELINE_LIMIT = 100


def _organization_for(pk: int) -> Organization:
    return get_object_or_404(Organization.objects.select_related("city"), pk=pk)


def _list_trail() -> list[tuple[str, str]]:
    return [(_("Organisations"), reverse("partners:organization_list"))]


@login_required
@permission_required("partners.view_organization", raise_exception=True)
def organization_list(request: HttpRequest) -> HttpResponse:
    current = Membership.objects.current().filter(organization=OuterRef("pk"))
    queryset = (
        Organization.objects.select_related("city")
        .prefetch_related("themes")
        .annotate(is_member=Exists(current))
    )
    filterset = OrganizationFilter(request.GET, queryset=queryset)
    page = paginate(request, filterset.qs, PER_PAGE)
    return render(
        request,
        "partners/organization_list.html",
        {
            "filter": filterset,
            "page": page,
            "organizations": page.object_list,
            **bulk_context(request, ORGANIZATION_BULK),
            **saved_views_context(request, "organizations", filter_form=filterset.form),
        },
    )


def _membership_entries(memberships: list[Membership]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    today = timezone.localdate()
    for membership in memberships:
        if membership.since:
            entries.append(
                {
                    "date": membership.since,
                    "kind": _("Membership"),
                    "title": _("Joined as %(role)s") % {"role": membership.role or _("member")},
                    "url": None,
                    "summary": membership.commitments,
                }
            )
        if membership.until and membership.until <= today:
            entries.append(
                {
                    "date": membership.until,
                    "kind": _("Membership"),
                    "title": _("Membership ended"),
                    "url": None,
                    "summary": "",
                }
            )
    return entries


def _timeline(
    organization: Organization,
    memberships: list[Membership],
    agreements: list[Agreement],
    projects: list[Project],
) -> list[TimelineEntry]:
    """Interactions, membership starts and ends, signed agreements and project starts."""
    interactions = organization.interactions.timeline()[:TIMELINE_LIMIT]
    return merge_timeline(
        interaction_entries(interactions),
        _membership_entries(memberships),
        agreement_entries(agreements),
        project_entries(projects),
    )


@login_required
@permission_required("partners.view_organization", raise_exception=True)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization_for(pk)
    today = timezone.localdate()
    memberships = list(
        organization.memberships.select_related("focal_point", "coordinator").order_by(
            "-until", "-since"
        )
    )
    agreements = list(organization.agreements.order_by("-signed_on", "title"))
    projects = list(organization.projects.order_by("-starts_on", "title"))
    context = {
        "organization": organization,
        "themes": list(organization.themes.all()),
        "current_memberships": [m for m in memberships if m.until is None or m.until >= today],
        "panels": panels_for("organization", request, organization),
        "timeline": _timeline(organization, memberships, agreements, projects),
        "history": history_rows(organization),
        "trail": [*_list_trail(), (str(organization), "")],
    }
    return render(request, "partners/organization_detail.html", context)


def _form_page(
    request: HttpRequest, form: OrganizationForm, title: str, cancel_url: str
) -> HttpResponse:
    trail = [*_list_trail(), (title, "")]
    return form_page(request, form=form, title=title, cancel_url=cancel_url, trail=trail)


@login_required
@permission_required("partners.add_organization", raise_exception=True)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organization = form.save()
        messages.success(request, _("Organisation “%(name)s” added.") % {"name": organization})
        return redirect(organization)
    return _form_page(request, form, _("New organisation"), reverse("partners:organization_list"))


@login_required
@permission_required("partners.change_organization", raise_exception=True)
@refuses_stale_saves
def organization_update(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization_for(pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            organization = form.save()
        messages.success(request, _("Organisation “%(name)s” saved.") % {"name": organization})
        return redirect(organization)
    title = _("Edit %(name)s") % {"name": organization}
    return _form_page(request, form, title, organization.get_absolute_url())


@login_required
@permission_required("partners.delete_organization", raise_exception=True)
@require_http_methods(["GET", "POST"])
def organization_delete(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization_for(pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                organization.delete()
        except (ProtectedError, RestrictedError) as error:
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.args[1]})
            messages.error(
                request,
                _("“%(name)s” cannot be deleted while it still has %(kinds)s. Remove those first.")
                % {"name": organization, "kinds": ", ".join(kinds)},
            )
            return redirect(organization)
        messages.success(request, _("Organisation “%(name)s” deleted.") % {"name": organization})
        return redirect("partners:organization_list")
    consequences = []
    if organization.memberships.exists():
        consequences.append(
            _("It has memberships, so it cannot be deleted until they are removed.")
        )
    interactions = organization.interactions.count()
    if interactions:
        consequences.append(
            ngettext(
                "%(count)d recorded interaction with it will be deleted too.",
                "%(count)d recorded interactions with it will be deleted too.",
                interactions,
            )
            % {"count": interactions}
        )
    contacts = organization.contacts.count()
    if contacts:
        consequences.append(
            ngettext(
                "%(count)d contact will stay, without this organisation.",
                "%(count)d contacts will stay, without this organisation.",
                contacts,
            )
            % {"count": contacts}
        )
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": organization,
            "cancel_url": organization.get_absolute_url(),
            "consequences": consequences,
        },
    )
