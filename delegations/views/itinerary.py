"""The itinerary: agenda items of a visit, each on one of the visit's days."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cityrelations.core.concurrency import refuses_stale_saves

from ..forms.plan import AgendaItemForm
from ..models import AgendaItem
from .common import child_delete_page, child_form_page, visit_for

ANCHOR = "itinerary"


def _agenda_item_for(pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("visit"), pk=pk)


@login_required
@permission_required("delegations.add_agendaitem", raise_exception=True)
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    initial = {"date": visit.start_date}
    form = AgendaItemForm(request.POST or None, visit=visit, initial=initial)
    return child_form_page(
        request,
        visit=visit,
        form=form,
        title=_("Add agenda item"),
        success=_("Agenda item added."),
        anchor=ANCHOR,
    )


@login_required
@permission_required("delegations.change_agendaitem", raise_exception=True)
@refuses_stale_saves
def agenda_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = _agenda_item_for(pk)
    form = AgendaItemForm(request.POST or None, instance=item, visit=item.visit)
    return child_form_page(
        request,
        visit=item.visit,
        form=form,
        title=_("Edit agenda item"),
        success=_("Agenda item saved."),
        anchor=ANCHOR,
    )


@login_required
@permission_required("delegations.delete_agendaitem", raise_exception=True)
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _agenda_item_for(pk)
    return child_delete_page(
        request, visit=item.visit, obj=item, success=_("Agenda item deleted."), anchor=ANCHOR
    )
