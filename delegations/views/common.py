"""Helpers shared by the delegations views: access helpers, breadcrumbs, child form pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrelations.core.views import form_page

from ..models import Visit


def visit_for(pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("partnership__city", "head_of_delegation", "owner"), pk=pk
    )


def visit_trail(visit: Visit | None = None, *items: tuple[str, str]) -> list[tuple[str, str]]:
    trail = [(_("Visits"), reverse("delegations:visit_list"))]
    if visit is not None:
        trail.append((visit.title, visit.get_absolute_url()))
    return [*trail, *items]


def refuse_change(request: HttpRequest, visit: Visit, message: str = "") -> HttpResponse:
    """Back to the visit, with an error: it is past the states in which it can be changed.
    ``message`` (with ``%(status)s``) says what was refused; by default, any change."""
    template = message or _("A visit that is %(status)s can no longer be changed.")
    messages.error(request, template % {"status": visit.get_status_display().lower()})
    return redirect(visit)


def child_form_page(
    request: HttpRequest,
    *,
    visit: Visit,
    form: Any,
    title: str,
    success: str,
    anchor: str,
    template: str = "cityrelations/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Create/edit page of something that belongs to a visit (participant, agenda item…)."""
    if not visit.is_editable:
        return refuse_change(request, visit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, success)
        return redirect(f"{visit.get_absolute_url()}#{anchor}")
    return form_page(
        request,
        form=form,
        title=title,
        cancel_url=f"{visit.get_absolute_url()}#{anchor}",
        trail=visit_trail(visit, (title, "")),
        template=template,
        extra=extra,
    )


def child_delete_page(
    request: HttpRequest, *, visit: Visit, obj: Any, success: str, anchor: str
) -> HttpResponse:
    if not visit.is_editable:
        return refuse_change(request, visit)
    back = f"{visit.get_absolute_url()}#{anchor}"
    if request.method == "POST":
        obj.delete()
        messages.success(request, success)
        return redirect(back)
    return render(request, "cityrelations/confirm_delete.html", {"object": obj, "cancel_url": back})
