"""Cooperation projects: list, detail with history, create/edit/delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cityrelations.core.bulk import bulk_context
from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.saved_views import saved_views_context
from cityrelations.core.totals import money_totals
from cityrelations.core.views import form_page, object_from_query
from partners.filters.projects import ProjectFilter
from partners.forms.projects import ProjectForm
from partners.models import Organization, Partnership, Project
from partners.views.bulk import PROJECT_BULK

PAGE_SIZE = 25


def _project_for(pk: int) -> Project:
    return get_object_or_404(Project.objects.select_related("coordinator"), pk=pk)


def _trail(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Cooperation projects"), reverse("partners:project_list")), *items]


@login_required
@permission_required("partners.view_project", raise_exception=True)
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.select_related("coordinator").prefetch_related(
        Prefetch("partnerships", queryset=Partnership.objects.select_related("city")),
        "organizations",
        "themes",
        "sdgs",
    )
    project_filter = ProjectFilter(request.GET, queryset=projects)
    page = paginate(request, project_filter.qs, PAGE_SIZE)
    return render(
        request,
        "partners/project_list.html",
        {
            "form": project_filter.form,
            "page": page,
            "projects": page.object_list,
            "budget_totals": money_totals(project_filter.qs, amount="budget", currency="currency"),
            **bulk_context(request, PROJECT_BULK),
            **saved_views_context(request, "projects", filter_form=project_filter.form),
        },
    )


@login_required
@permission_required("partners.view_project", raise_exception=True)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(pk)
    context = {
        "project": project,
        "partnerships": project.partnerships.select_related("city"),
        "organizations": project.organizations.all(),
        "themes": project.themes.all(),
        "sdgs": project.sdgs.all(),
        "history": history_rows(project),
        "trail": _trail((project.title, "")),
    }
    return render(request, "partners/project_detail.html", context)


def _initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """``?partnership=``/``?organization=`` (from a hub page) choose it in the new project."""
    initial: dict[str, Any] = {}
    if partnership := object_from_query(Partnership, request.GET.get("partnership")):
        initial["partnerships"] = [partnership]
    if organization := object_from_query(Organization, request.GET.get("organization")):
        initial["organizations"] = [organization]
    return initial


@login_required
@permission_required("partners.add_project", raise_exception=True)
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, _("Project “%(title)s” created.") % {"title": project.title})
        return redirect(project)
    return form_page(
        request,
        form=form,
        title=_("New cooperation project"),
        cancel_url=reverse("partners:project_list"),
        trail=_trail((_("New"), "")),
    )


@login_required
@permission_required("partners.change_project", raise_exception=True)
@refuses_stale_saves
def project_update(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(pk)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Project “%(title)s” saved.") % {"title": project.title})
        return redirect(project)
    return form_page(
        request,
        form=form,
        title=_("Edit “%(title)s”") % {"title": project.title},
        cancel_url=project.get_absolute_url(),
        trail=_trail((project.title, project.get_absolute_url()), (_("Edit"), "")),
    )


@login_required
@permission_required("partners.delete_project", raise_exception=True)
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(pk)
    if request.method == "POST":
        title = project.title
        project.delete()
        messages.success(request, _("Project “%(title)s” deleted.") % {"title": title})
        return redirect("partners:project_list")
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": project, "cancel_url": project.get_absolute_url()},
    )
