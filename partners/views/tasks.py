"""Tasks: "my tasks", create (from the record it is added from), edit, delete, and mark done or
reopen in place (htmx swaps the row; without JavaScript the form posts and comes back).

Who may do what: the diplomacy unit manages tasks (the ``partners.*_task`` permissions). The
mayor's office reads the CRM, so it may read tasks (``view_task``), every one of them linked to
a record it reads too, and creates and edits none; it may only mark its own tasks done (or
reopen them): follow-ups migrated from its old notes are owned by its people.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.pagination import paginate
from cityrelations.core.views import form_page, id_from_query, safe_next

from .. import followups
from ..filters.tasks import TaskFilter
from ..forms.tasks import TaskForm
from ..models import Task
from ..taskkinds import add_task_url, kind_named, record_url, records_prefetch

PAGE_SIZE = 25


def _task_for(pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("owner"), pk=pk)


def linked_record(request: HttpRequest) -> Model | None:
    """The record named by ``?kind=visit&object_id=12`` (None when none is named).

    404 for an unknown kind or a missing record; 403 for a kind the user may not read: a task is
    linked only to what its creator may see.
    """
    raw_kind, raw_id = request.GET.get("kind"), request.GET.get("object_id")
    if not raw_kind and not raw_id:
        return None
    kind, pk = kind_named(raw_kind), id_from_query(raw_id)
    if kind is None or pk is None:
        raise Http404("No such record.")
    if not kind.may_view(request.user):
        raise PermissionDenied
    return get_object_or_404(kind.queryset(), pk=pk)


def _back(request: HttpRequest, record: Any = None) -> str:
    return safe_next(request, record_url(record) or reverse("partners:task_list"))


@login_required
@permission_required("partners.view_task", raise_exception=True)
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's tasks: open ones by default, the earliest due first."""
    today = timezone.localdate()
    tasks = (
        Task.objects.for_owner(request.user)
        .select_related("owner", "content_type")
        .prefetch_related(records_prefetch())
        .by_due_date()
    )
    task_filter = TaskFilter(request.GET, queryset=tasks, today=today)
    page = paginate(request, task_filter.qs, PAGE_SIZE)
    return render(
        request,
        "partners/task_list.html",
        {"filter": task_filter, "page": page, "tasks": page.object_list, "today": today},
    )


@login_required
@permission_required("partners.add_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    record = linked_record(request)
    initial = {
        "owner": request.user.pk,
        "title": request.GET.get("title", "")[:300],
        "due_on": request.GET.get("due_on", ""),
    }
    form = TaskForm(request.POST or None, initial=initial)
    back = _back(request, record)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = followups.task_create(
            title=data["title"],
            notes=data["notes"],
            owner=data["owner"],
            due_on=data["due_on"],
            record=record,
            by=request.user,
        )
        messages.success(request, _("Task “%(t)s” added.") % {"t": task})
        return redirect(back)
    title = _("New task for “%(r)s”") % {"r": record} if record else _("New task")
    return form_page(
        request, form=form, title=title, cancel_url=back, trail=_trail((_("New task"), ""))
    )


@login_required
@permission_required("partners.change_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        followups.task_set_state(
            task=form.instance, state=form.cleaned_data["state"], by=request.user
        )
        task = form.save()
        messages.success(request, _("Task “%(t)s” saved.") % {"t": task})
        return redirect(_back(request, task.record))
    return form_page(
        request,
        form=form,
        title=_("Edit task “%(t)s”") % {"t": task},
        cancel_url=_back(request, task.record),
        trail=_trail((str(task), ""), (_("Edit"), "")),
    )


@login_required
@permission_required("partners.delete_task", raise_exception=True)
@require_http_methods(["GET", "POST"])
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_for(pk)
    back = _back(request, task.record)
    if request.method == "POST":
        task.delete()
        messages.success(request, _("Task “%(t)s” deleted.") % {"t": task})
        return redirect(back)
    return render(
        request, "cityrelations/confirm_delete.html", {"object": task, "cancel_url": back}
    )


def _after_state_change(request: HttpRequest, task: Task, message: str) -> HttpResponse:
    """htmx: the row again, in its new state; otherwise back to the page the form was on."""
    if getattr(request, "htmx", False):
        task = (
            Task.objects.select_related("owner")
            .prefetch_related(records_prefetch())
            .get(pk=task.pk)
        )
        context = {
            "task": task,
            "today": timezone.localdate(),
            "row": request.POST.get("row", ""),
            "next_url": safe_next(request, ""),
        }
        return render(request, "partners/_task_row.html", context)
    messages.success(request, message % {"t": task})
    return redirect(_back(request, task.record))


def _task_to_tick(request: HttpRequest, pk: int) -> Task:
    """A task the user may mark done or reopen: any, for the diplomacy unit; their own, for
    whoever else reads tasks (the mayor's office owns follow-ups migrated from its old notes).
    Someone else's task is refused alike whether it exists or not."""
    if request.user.has_perm("partners.change_task"):
        return _task_for(pk)
    task = Task.objects.filter(pk=pk, owner=request.user.pk).first()
    if task is None:
        raise PermissionDenied
    return task


@login_required
@permission_required("partners.view_task", raise_exception=True)
@require_POST
def task_mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = followups.task_complete(task=_task_to_tick(request, pk), by=request.user)
    return _after_state_change(request, task, _("Task “%(t)s” done."))


@login_required
@permission_required("partners.view_task", raise_exception=True)
@require_POST
def task_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = followups.task_reopen(task=_task_to_tick(request, pk))
    return _after_state_change(request, task, _("Task “%(t)s” reopened."))


def _trail(*crumbs: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("My tasks"), reverse("partners:task_list")), *crumbs]


def tasks_panel(request: HttpRequest, record: Model) -> dict[str, Any]:
    """The tasks panel of a hub page: the record's open tasks, overdue first (one query)."""
    tasks = list(Task.objects.for_record(record).open().select_related("owner").by_due_date())
    return {
        "tasks": tasks,
        "today": timezone.localdate(),
        "add_url": add_task_url(record, next_url=request.get_full_path()),
    }
