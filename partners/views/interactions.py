"""Interactions: the timeline entries of partners, organisations and contacts.

Recording one works as a full page and as an htmx fragment (a modal on a detail page); either way
the user lands back on the page they came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.pagination import paginate
from cityrelations.core.views import get_from_query, safe_next
from partners.filters.interactions import InteractionFilter
from partners.followups import task_from_follow_up, task_update_from_follow_up
from partners.forms.interactions import InteractionForm
from partners.models import Contact, Interaction, Organization, Partnership

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


PRESELECTABLE = {"partnership": Partnership, "organization": Organization, "contact": Contact}


def timeline_entries(
    interactions: Iterable[Interaction], user: Any, next_url: str = ""
) -> list[dict[str, Any]]:
    """Entries for templates/partners/_timeline.html: {date, kind, title, url, summary}.

    ``url`` is the edit page (returning to ``next_url``) for users who may edit, else empty.
    """
    can_edit = user.has_perm("partners.change_interaction")
    suffix = f"?{urlencode({'next': next_url})}" if next_url else ""
    return [
        {
            "date": i.occurred_on,
            "kind": i.get_kind_display(),
            "title": i.subject,
            "url": reverse("partners:interaction_update", args=[i.pk]) + suffix if can_edit else "",
            "summary": i.summary,
        }
        for i in interactions
    ]


def _interaction_for(pk: int) -> Interaction:
    return get_object_or_404(Interaction, pk=pk)


def _preselected(request: HttpRequest) -> dict[str, Any]:
    """The partnership/organisation/contact named in the query string (404 if it does not exist)."""
    found: dict[str, Any] = {}
    for name, model in PRESELECTABLE.items():
        if request.GET.get(name):
            found[name] = get_from_query(model, request.GET[name])
    return found


def _url_of(obj: Any) -> str | None:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # that detail page is not installed
        return None


def _back_url(request: HttpRequest, preselected: dict[str, Any]) -> str:
    """Where to go after saving: ``next`` if it is ours, else the page of what was preselected."""
    if target := safe_next(request, ""):
        return target
    for name in ("contact", "organization", "partnership"):
        if name in preselected and (url := _url_of(preselected[name])):
            return url
    return reverse("partners:interaction_list")


@login_required
@permission_required("partners.view_interaction", raise_exception=True)
@require_GET
def interaction_list(request: HttpRequest) -> HttpResponse:
    interaction_filter = InteractionFilter(
        request.GET, queryset=Interaction.objects.timeline().prefetch_related("contacts", "themes")
    )
    page = paginate(request, interaction_filter.qs, PAGE_SIZE)
    return render(
        request,
        "partners/interaction_list.html",
        {"form": interaction_filter.form, "page": page, "interactions": page.object_list},
    )


def _render_form(
    request: HtmxHttpRequest, form: InteractionForm, context: dict[str, Any]
) -> HttpResponse:
    context = {"form": form, "action": request.get_full_path(), **context}
    if request.htmx:
        return render(request, "partners/_interaction_form_fragment.html", context)
    return render(request, "partners/interaction_form.html", context)


def _saved(request: HtmxHttpRequest, back: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(back)
    return redirect(back)


def _save(request: HttpRequest, form: InteractionForm) -> Interaction:
    """Save the interaction, and its follow-up as a task when the form asks for one."""
    with transaction.atomic():
        interaction = form.save()
        follow_up, task = form.follow_up_task, form.follow_up_existing
        if follow_up is not None and task is not None:  # edited: the same task, not a second
            task_update_from_follow_up(task=task, by=request.user, **follow_up)
        elif follow_up is not None:
            task_from_follow_up(record=interaction, by=request.user, **follow_up)
    return interaction


@login_required
@permission_required("partners.add_interaction", raise_exception=True)
def interaction_create(request: HtmxHttpRequest) -> HttpResponse:
    preselected = _preselected(request)
    initial: dict[str, Any] = {k: v for k, v in preselected.items() if k != "contact"}
    if "contact" in preselected:
        initial["contacts"] = [preselected["contact"]]
    if "partnership" in preselected:
        # Recorded from a partnership: about what the partnership is about, unless unticked.
        initial["themes"] = list(preselected["partnership"].themes.all())
    form = InteractionForm(request.POST or None, initial=initial)
    back = _back_url(request, preselected)
    if request.method == "POST" and form.is_valid():
        form.instance.recorded_by = request.user
        interaction = _save(request, form)
        message = _("Interaction “%(s)s” recorded.") % {"s": interaction.subject}
        return _saved(request, back, message)
    return _render_form(request, form, {"title": _("Record an interaction"), "back": back})


@login_required
@permission_required("partners.change_interaction", raise_exception=True)
@refuses_stale_saves
def interaction_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    interaction = _interaction_for(pk)
    form = InteractionForm(request.POST or None, instance=interaction)
    back = _back_url(request, {})
    if request.method == "POST" and form.is_valid():
        _save(request, form)
        return _saved(request, back, _("Interaction “%(s)s” saved.") % {"s": interaction.subject})
    title = _("Edit interaction “%(s)s”") % {"s": interaction.subject}
    return _render_form(request, form, {"title": title, "back": back, "interaction": interaction})


@login_required
@permission_required("partners.delete_interaction", raise_exception=True)
def interaction_delete(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _interaction_for(pk)
    back = _back_url(request, {})
    if request.method == "POST":
        interaction.delete()
        messages.success(request, _("Interaction “%(s)s” deleted.") % {"s": interaction.subject})
        return redirect(back)
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": interaction, "cancel_url": back},
    )
