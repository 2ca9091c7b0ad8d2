"""Follow-ups as tasks: create one linked to a record, complete it, reopen it.

Completing re-reads the task under a row lock, so two people ticking the same task at once
record one completion (the first), not two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .models import Task

TITLE_LENGTH = Task._meta.get_field("title").max_length or 300


def task_title_from(text: str) -> str:
    """A task's title from free text: its first line, shortened to fit."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


def task_create(
    *,
    title: str,
    by: Any,
    owner: Any = None,
    due_on: dt.date | None = None,
    record: models.Model | None = None,
    notes: str = "",
) -> Task:
    task = Task(title=title, notes=notes, owner=owner, due_on=due_on, created_by=by)
    if record is not None:
        task.content_type = ContentType.objects.get_for_model(record)
        task.object_id = record.pk
    task.save()
    return task


def task_complete(*, task: Task, by: Any) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.state != Task.State.DONE:
            task.state = Task.State.DONE
            task.completed_at = timezone.now()
            task.completed_by = by
            task.save(update_fields=["state", "completed_at", "completed_by", "updated_at"])
    return task


def task_reopen(*, task: Task) -> Task:
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.state != Task.State.OPEN:
            task.state = Task.State.OPEN
            task.completed_at = None
            task.completed_by = None
            task.save(update_fields=["state", "completed_at", "completed_by", "updated_at"])
    return task


def task_set_state(*, task: Task, state: str, by: Any) -> None:
    """Keep the completion fields true to a state chosen in the edit form (not yet saved)."""
    if state == Task.State.DONE and task.completed_at is None:
        task.completed_at, task.completed_by = timezone.now(), by
    elif state != Task.State.DONE:
        task.completed_at, task.completed_by = None, None


def task_from_follow_up(
    *, text: str, record: models.Model, by: Any, owner: Any = None, due_on: dt.date | None = None
) -> Task:
    """A follow-up written on a record (an interaction) as a task: the first line is its title,
    the whole text its notes when there is more; the writer owns it unless someone is named."""
    title = task_title_from(text)
    notes = text.strip() if text.strip() != title else ""
    return task_create(
        title=title, notes=notes, owner=owner or by, due_on=due_on, record=record, by=by
    )


def task_update_from_follow_up(
    *, task: Task, text: str, by: Any, owner: Any = None, due_on: dt.date | None = None
) -> Task:
    """The follow-up of a record, edited: its task takes the new text, owner and due date (the
    editor owns it unless someone is named, as when it was made)."""
    title = task_title_from(text)
    task.title = title
    task.notes = text.strip() if text.strip() != title else ""
    task.owner = owner or by
    task.due_on = due_on
    task.save()
    return task
