"""Tasks: follow-ups with an owner, a due date and a state, linked to any record.

A task is linked through contenttypes because the records that carry tasks live in several
apps (a visit's report in delegations, opportunities later) and partners may not import them.
Which kinds of record may carry tasks is a registry (``partners.taskkinds``), filled by each
app; the link is always checked against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cityrelations.core.concurrency import Versioned
from cityrelations.core.fields import staff_link

from .base import TimeStamped


def week_end(today: dt.date) -> dt.date:
    """The Sunday that ends ``today``'s week ("due this week" runs from today to it)."""
    return today + dt.timedelta(days=6 - today.weekday())


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(state=Task.State.OPEN)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        return self.open().filter(due_on__lt=today)

    def due_this_week(self, today: dt.date) -> TaskQuerySet:
        """Open and due from today to the end of this week."""
        return self.open().filter(due_on__gte=today, due_on__lte=week_end(today))

    def due_later(self, today: dt.date) -> TaskQuerySet:
        """Open and due after this week, or without a due date."""
        return self.open().filter(Q(due_on__gt=week_end(today)) | Q(due_on__isnull=True))

    def due_soon(self, today: dt.date) -> TaskQuerySet:
        """What a reminder lists: open and overdue or due by the end of this week."""
        return self.open().filter(due_on__lte=week_end(today))

    def for_owner(self, user: Any) -> TaskQuerySet:
        return self.filter(owner=user)

    def for_record(self, record: models.Model) -> TaskQuerySet:
        # Through the content type's natural key (a join with a tiny table), not
        # ContentType.objects.get_for_model: its per-process cache makes the page's query count
        # depend on what ran before.
        meta = record._meta
        return self.filter(
            content_type__app_label=meta.app_label,
            content_type__model=meta.model_name,
            object_id=record.pk,
        )

    def by_due_date(self) -> TaskQuerySet:
        """Earliest due first (so the overdue lead), undated last."""
        return self.order_by(F("due_on").asc(nulls_last=True), "pk")


class Task(Versioned, TimeStamped):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("task"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    owner = staff_link(_("owner"), related_name="tasks")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = staff_link(_("completed by"))
    created_by = staff_link(_("created by"))
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("linked kind"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="task_record"),
            models.Index(fields=["owner", "state", "due_on"], name="task_owner_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="task_link_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:task_update", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


class ReminderDigestRun(models.Model):
    """The day's reminder digests went out. The daily task may run twice (a retried beat, a
    second beat by mistake): the second run finds the day taken and sends nothing."""

    sent_on = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.sent_on)
