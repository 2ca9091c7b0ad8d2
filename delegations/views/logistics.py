"""The logistics checklist of a visit: items with owner, due date and state; the standard
checklist in one click."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cityrelations.core.concurrency import refuses_stale_saves

from ..forms.plan import LogisticsItemForm
from ..models import LogisticsItem
from ..services import logistics_add_standard
from .common import child_delete_page, child_form_page, visit_for

ANCHOR = "logistics"


def _logistics_item_for(pk: int) -> LogisticsItem:
    return get_object_or_404(LogisticsItem.objects.select_related("visit"), pk=pk)


@login_required
@permission_required("delegations.add_logisticsitem", raise_exception=True)
def logistics_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    form = LogisticsItemForm(request.POST or None, visit=visit)
    return child_form_page(
        request,
        visit=visit,
        form=form,
        title=_("Add logistics item"),
        success=_("Logistics item added."),
        anchor=ANCHOR,
    )


@login_required
@permission_required("delegations.change_logisticsitem", raise_exception=True)
@refuses_stale_saves
def logistics_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = _logistics_item_for(pk)
    form = LogisticsItemForm(request.POST or None, instance=item, visit=item.visit)
    return child_form_page(
        request,
        visit=item.visit,
        form=form,
        title=_("Edit logistics item"),
        success=_("Logistics item saved."),
        anchor=ANCHOR,
    )


@login_required
@permission_required("delegations.delete_logisticsitem", raise_exception=True)
def logistics_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _logistics_item_for(pk)
    return child_delete_page(
        request, visit=item.visit, obj=item, success=_("Logistics item deleted."), anchor=ANCHOR
    )


@login_required
@permission_required("delegations.add_logisticsitem", raise_exception=True)
@require_POST
def logistics_add_standard_view(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    if not visit.is_editable:
        messages.error(request, _("This visit can no longer be changed."))
        return redirect(visit)
    added = logistics_add_standard(visit=visit)
    if added:
        messages.success(
            request,
            ngettext("%(n)d checklist item added.", "%(n)d checklist items added.", len(added))
            % {"n": len(added)},
        )
    else:
        messages.info(request, _("The standard checklist is already complete."))
    return redirect(f"{visit.get_absolute_url()}#{ANCHOR}")
