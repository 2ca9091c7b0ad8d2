"""Tasks in templates: ``task|is_overdue:today``, ``task|record_url``, and the dashboard's
``{% my_tasks_panel %}`` (the signed-in user's overdue tasks and those due this week), and
``{% record_tasks_panel record %}`` (a record's open tasks, the hubs' panel on a page without one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Membership, Task, week_end
from ..taskkinds import add_task_url, records_prefetch
from ..taskkinds import record_url as url_of_record
from ..views.tasks import tasks_panel

register = template.Library()

DASHBOARD_LIMIT = 10


@register.filter
def is_overdue(task: Task, today: dt.date) -> bool:
    return task.is_overdue(today)


@register.filter
def record_url(task: Task) -> str:
    return url_of_record(task.record) if task.object_id else ""


@register.filter
def report_task_url(membership: Membership, next_url: str = "") -> str:
    """ "Make it a task": a new task for the membership's next report, prefilled."""
    title = gettext("Report to %(organization)s") % {"organization": membership.organization}
    due = membership.next_report_due_on.isoformat() if membership.next_report_due_on else ""
    return add_task_url(membership, next_url=next_url, title=title, due_on=due)


@register.inclusion_tag("partners/_dashboard_tasks.html", takes_context=True)
def my_tasks_panel(context: template.Context) -> dict[str, Any]:
    """Two queries: the user's tasks due by the end of the week (a page of them), and how many."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("partners.view_task"):
        return {"shown": False}
    today = timezone.localdate()
    due = (
        Task.objects.due_soon(today)
        .for_owner(user)
        .select_related("content_type")
        .prefetch_related(records_prefetch())
        .by_due_date()
    )
    tasks = list(due[:DASHBOARD_LIMIT])
    total = len(tasks) if len(tasks) < DASHBOARD_LIMIT else due.count()
    return {
        "shown": True,
        "overdue": [t for t in tasks if t.is_overdue(today)],
        "this_week": [t for t in tasks if not t.is_overdue(today)],
        "total": total,
        "today": today,
        "week_end": week_end(today),
        "perms": context.get("perms"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("partners/_tasks_panel.html", takes_context=True)
def record_tasks_panel(context: template.Context, record: Any) -> dict[str, Any]:
    """The hubs' "Open tasks" panel on a record's own page (an agreement, a project…); the page
    shows it only with ``perms.partners.view_task``."""
    request = context["request"]
    return {
        **tasks_panel(request, record),
        "panel_key": "tasks",
        "perms": context.get("perms"),
        "request": request,
    }
