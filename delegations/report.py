"""The post-visit report: outcomes, follow-ups (tasks), completion, and publication for the
newsletter."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import expect_version
from partners.models import Task
from partners.taskkinds import add_task_url

from .models import Visit


def visit_report_save(
    *, visit: Visit, outcomes: str, complete: bool | None = None, version: int | None = None
) -> Visit:
    """Save the outcomes; ``complete=True`` marks the report complete, ``False`` reopens it.

    A report can only be marked complete once it says what came out of the visit. ``version``:
    the version the edit form was based on (a visit saved meanwhile raises ``StaleVersion``).
    """
    if complete and not outcomes.strip():
        raise ValidationError(
            {"outcomes": _("Write the outcomes before marking the report complete.")}
        )
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        expect_version(visit, version)
        visit.outcomes = outcomes
        fields = ["outcomes", "updated_at"]
        if complete is True and visit.report_completed_at is None:
            visit.report_completed_at = timezone.now()
            fields.append("report_completed_at")
        elif complete is False:
            visit.report_completed_at = None
            fields.append("report_completed_at")
        visit.save(update_fields=fields)
    return visit


def visit_publish(
    *, visit: Visit, is_public: bool, public_summary: str, version: int | None = None
) -> Visit:
    """Mark a visit public (for the newsletter) or private again.

    Only a completed visit can be made public, and only with a public summary. The state is
    re-read under a row lock so a visit cancelled meanwhile is not published; ``version`` as
    for ``visit_report_save``.
    """
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        expect_version(visit, version)
        if is_public and visit.status != Visit.Status.COMPLETED:
            raise ValidationError(
                _("Only a completed visit can be made public. This visit is %(status)s.")
                % {"status": visit.get_status_display().lower()}
            )
        if is_public and not public_summary.strip():
            raise ValidationError(
                {"public_summary": _("Write a public summary before making the visit public.")}
            )
        visit.is_public = is_public
        visit.public_summary = public_summary
        visit.save(update_fields=["is_public", "public_summary", "updated_at"])
    return visit


def report_section_data(visit: Visit) -> dict[str, Any]:
    """What the report section of a visit page shows (two queries). The follow-ups are the
    visit's tasks: open ones first, each group by due date."""
    tasks = Task.objects.for_record(visit).select_related("owner").by_due_date()
    return {
        "tasks": sorted(tasks, key=lambda task: not task.is_open),
        "add_task_url": add_task_url(visit, next_url=visit.get_absolute_url() + "#report"),
        "gifts": list(visit.gifts.select_related("counterpart_contact").order_by("date", "pk")),
        "today": timezone.localdate(),
    }
