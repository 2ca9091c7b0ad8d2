"""Bulk actions on the visit list (``cityrelations.core.bulk``): a workflow step, the owner,
the themes, and the selection's export. A step goes through the visit workflow's own rules
(``delegations.workflow``); the owner and themes change only on a visit that can still be
edited, as on its edit page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cityrelations.core.bulk import BulkAction, BulkSpec, RowChange, StepChange, bulk_page
from cityrelations.core.exports import spreadsheet_response
from partners.views.bulk import person_action, person_name, theme_actions, value_fields

from ..models import Visit
from ..workflow import (
    EDIT_PERMISSION,
    REVIEW_ACTIONS,
    TRANSITIONS,
    check_visit_transition,
    visit_transition,
)

# The steps the diplomacy unit takes on many visits at once; decisions stay one by one, in the
# mayor's office's review queue.
BULK_STEPS = [key for key in TRANSITIONS if key not in REVIEW_ACTIONS]
EXPORT_HEADERS = (
    gettext_lazy("Title"),
    gettext_lazy("Direction"),
    gettext_lazy("Level"),
    gettext_lazy("Start date"),
    gettext_lazy("End date"),
    gettext_lazy("Cities"),
    gettext_lazy("Status"),
    gettext_lazy("Owner"),
    gettext_lazy("Budget"),
    gettext_lazy("Currency"),
)


def editable_guard(visit: Visit) -> str:
    if visit.is_editable:
        return ""
    return _("A visit that is %(status)s can no longer be changed.") % {
        "status": visit.get_status_display().lower()
    }


def _visit_step(data: dict[str, Any]) -> RowChange:
    action, comment = data["step"], data.get("comment") or ""
    transition = TRANSITIONS[action]

    def check(visit: Visit, user: Any) -> None:
        check_visit_transition(visit=visit, by=user, action=action, comment=comment)

    def step(visit: Visit, user: Any) -> None:
        visit_transition(visit=visit, by=user, action=action, comment=comment)

    return StepChange(
        target_label=str(Visit.Status(transition.target).label),
        status_of=lambda visit: visit.get_status_display(),
        check=check,
        step=step,
    )


def _value_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {
        "step": forms.ChoiceField(
            label=gettext_lazy("Step"),
            choices=[("", "—"), *((key, TRANSITIONS[key].label) for key in BULK_STEPS)],
        ),
        "comment": forms.CharField(
            label=gettext_lazy("Comment (required to cancel)"), max_length=2000
        ),
    }
    return {**fields, **value_fields(person_label=gettext_lazy("Owner"))}


def visit_rows() -> QuerySet[Visit]:
    return (
        Visit.objects.select_related("owner")
        .prefetch_related("cities", "themes")
        .order_by("start_date", "pk")
    )


def visit_spreadsheet(visits: QuerySet[Visit], fmt: str) -> HttpResponse:
    rows = (
        [
            v.title,
            v.get_direction_display(),
            v.get_level_display(),
            v.start_date,
            v.end_date,
            ", ".join(c.display_name for c in v.cities.all()),
            v.get_status_display(),
            person_name(v.owner) if v.owner else "",
            v.budget,
            v.currency if v.budget is not None else "",
        ]
        for v in visits
    )
    headers = [str(header) for header in EXPORT_HEADERS]
    return spreadsheet_response(filename="visits", headers=headers, rows=rows, fmt=fmt)


VISIT_BULK = BulkSpec(
    list_url_name="delegations:visit_list",
    noun=lambda n: ngettext("%(n)d visit", "%(n)d visits", n) % {"n": n},
    rows=visit_rows,
    actions={
        "step": BulkAction(
            gettext_lazy("Take a workflow step"),
            EDIT_PERMISSION,
            "step",
            _visit_step,
            also=("comment",),
        ),
        "owner": person_action(
            gettext_lazy("Change the owner"), EDIT_PERMISSION, "owner", editable_guard
        ),
        **theme_actions(EDIT_PERMISSION, editable_guard),
    },
    value_fields=_value_fields,
    export=lambda request, rows, fmt: visit_spreadsheet(rows, fmt),
)


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
@require_POST
def visit_bulk(request: HttpRequest) -> HttpResponse:
    return bulk_page(request, VISIT_BULK)
