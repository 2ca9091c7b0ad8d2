"""Participants of a visit: add, edit, remove (listed on the visit page in precedence order)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.views import id_from_query, with_query
from partners.forms.contacts import ContactQuickForm

from ..forms.plan import ParticipantForm
from ..models import Participant
from .common import child_delete_page, child_form_page, visit_for

ANCHOR = "participants"


def _participant_for(pk: int) -> Participant:
    return get_object_or_404(Participant.objects.select_related("visit", "contact", "user"), pk=pk)


@login_required
@permission_required("delegations.add_participant", raise_exception=True)
def participant_create(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for(pk)
    # Back from creating a contact (the no-JavaScript way): that contact is chosen.
    chosen = id_from_query(request.GET.get("contact"))
    initial = {"contact": chosen} if chosen else {}
    form = ParticipantForm(request.POST or None, visit=visit, initial=initial)
    extra = {}
    if request.user.has_perm("partners.add_contact"):
        extra = {
            "quick_contact": ContactQuickForm(auto_id="new_contact_%s"),
            "contact_create_url": with_query(reverse("partners:contact_create"), next=request.path),
        }
    return child_form_page(
        request,
        visit=visit,
        form=form,
        title=_("Add participant"),
        success=_("Participant added."),
        anchor=ANCHOR,
        template="delegations/participant_form.html",
        extra=extra,
    )


@login_required
@permission_required("delegations.change_participant", raise_exception=True)
@refuses_stale_saves
def participant_update(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant_for(pk)
    form = ParticipantForm(request.POST or None, instance=participant, visit=participant.visit)
    return child_form_page(
        request,
        visit=participant.visit,
        form=form,
        title=_("Edit participant %(name)s") % {"name": participant.name},
        success=_("Participant saved."),
        anchor=ANCHOR,
    )


@login_required
@permission_required("delegations.delete_participant", raise_exception=True)
def participant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant_for(pk)
    return child_delete_page(
        request,
        visit=participant.visit,
        obj=participant,
        success=_("Participant removed."),
        anchor=ANCHOR,
    )
