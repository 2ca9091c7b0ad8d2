"""Saved views (``cityrelations.core.models.SavedView``): save the filter and sort a list shows,
rename or delete one, and the dashboard's panel of views with the number of rows each matches,
counted by the list's own filterset.

Each user sees and changes only their own views: another user's id is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cityrelations.core.models import SavedView
from cityrelations.core.saved_views import normalized_query
from cityrelations.core.views import form_page, safe_next
from delegations.filters import VisitFilter
from delegations.models import Visit
from partners.filters.agreements import AgreementFilter
from partners.filters.contacts import ContactFilter
from partners.filters.organizations import MembershipFilter, OrganizationFilter
from partners.filters.partnerships import PartnershipFilter
from partners.filters.projects import ProjectFilter
from partners.models import Agreement, Contact, Membership, Organization, Partnership, Project

DASHBOARD_LIMIT = 12


@dataclass(frozen=True)
class SavedList:
    """A list whose views can be saved: its page, its name, and how many rows a query matches
    (the list's own filterset, without sorting)."""

    url_name: str
    label: Any
    permission: str
    count: Callable[[QueryDict], int]


def _counter(filterset: Any, queryset: Callable[[], QuerySet[Any]]) -> Callable[[QueryDict], int]:
    def count(query: QueryDict) -> int:
        return int(filterset(query or None, queryset=queryset()).qs.order_by().count())

    return count


LISTS: dict[str, SavedList] = {
    "partnerships": SavedList(
        "partners:partnership_list",
        gettext_lazy("Partnerships"),
        "partners.view_partnership",
        _counter(PartnershipFilter, Partnership.objects.all),
    ),
    "organizations": SavedList(
        "partners:organization_list",
        gettext_lazy("Organisations"),
        "partners.view_organization",
        _counter(OrganizationFilter, Organization.objects.all),
    ),
    "memberships": SavedList(
        "partners:membership_list",
        gettext_lazy("Memberships"),
        "partners.view_membership",
        _counter(MembershipFilter, Membership.objects.all),
    ),
    "agreements": SavedList(
        "partners:agreement_list",
        gettext_lazy("Agreements"),
        "partners.view_agreement",
        _counter(AgreementFilter, Agreement.objects.all),
    ),
    "contacts": SavedList(
        "partners:contact_list",
        gettext_lazy("Contacts"),
        "partners.view_contact",
        _counter(ContactFilter, Contact.objects.all),
    ),
    "projects": SavedList(
        "partners:project_list",
        gettext_lazy("Projects"),
        "partners.view_project",
        _counter(ProjectFilter, Project.objects.all),
    ),
    "visits": SavedList(
        "delegations:visit_list",
        gettext_lazy("Visits"),
        "delegations.view_visit",
        _counter(VisitFilter, Visit.objects.all),
    ),
}


def saved_view_url(view: SavedView) -> str:
    url = reverse(LISTS[view.list_key].url_name)
    return f"{url}?{view.query}" if view.query else url


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "on_dashboard", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["maxlength"] = 80
        self.fields["position"].required = False  # the sidebar's form leaves it as it is

    def clean_position(self) -> int:
        position = self.cleaned_data.get("position")
        return self.instance.position if position is None else position

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the view a name."))
        taken = SavedView.objects.filter(
            user_id=self.instance.user_id, list_key=self.instance.list_key, name=name
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("You already have a view of this list called “%(name)s”.") % {"name": name}
            )
        return name


def _save(form: SavedViewForm) -> SavedView | None:
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:  # the same name saved twice at once
        form.add_error("name", _("You already have a view of this list with this name."))
        return None


@login_required
@require_POST
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the list's current filter and sort (posted from the list's sidebar)."""
    list_key = request.POST.get("list_key", "")
    saved_list = LISTS.get(list_key)
    if saved_list is None or not request.user.has_perm(saved_list.permission):
        messages.error(request, _("This list cannot be saved as a view."))
        return HttpResponseRedirect(safe_next(request, reverse("dashboard")))
    view = SavedView(
        user=_user(request),
        list_key=list_key,
        query=normalized_query(QueryDict(request.POST.get("query", "")))[:2000],
        position=SavedView.objects.filter(user=_user(request), list_key=list_key).count(),
    )
    form = SavedViewForm(request.POST, instance=view)
    if form.is_valid() and (saved := _save(form)) is not None:
        messages.success(request, _("The view “%(name)s” was saved.") % {"name": saved.name})
        return HttpResponseRedirect(saved_view_url(saved))
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, errors)
    return HttpResponseRedirect(safe_next(request, reverse(saved_list.url_name)))


def _own_view(request: HttpRequest, pk: int) -> SavedView:
    return get_object_or_404(SavedView, pk=pk, user=_user(request), list_key__in=LISTS)


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a saved view, move it, or show it on the dashboard (or not)."""
    view = _own_view(request, pk)
    form = SavedViewForm(request.POST or None, instance=view)
    if request.method == "POST" and form.is_valid() and _save(form) is not None:
        messages.success(request, _("The view was saved."))
        return HttpResponseRedirect(saved_view_url(view))
    title = _("Saved view “%(name)s”") % {"name": SavedView.objects.get(pk=view.pk).name}
    list_label = str(LISTS[view.list_key].label)
    return form_page(
        request,
        form=form,
        title=title,
        cancel_url=saved_view_url(view),
        trail=[(list_label, saved_view_url(view)), (title, "")],
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = _own_view(request, pk)
    list_url = reverse(LISTS[view.list_key].url_name)
    if request.method == "POST":
        view.delete()
        messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
        return HttpResponseRedirect(list_url)
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {"object": view, "cancel_url": saved_view_url(view)},
    )


def dashboard_saved_views(user: Any) -> list[dict[str, Any]]:
    """The user's views chosen for the dashboard, each with the number of rows it matches
    (one COUNT per view, at most ``DASHBOARD_LIMIT`` views)."""
    views = SavedView.objects.filter(user=user, on_dashboard=True, list_key__in=LISTS)
    rows = []
    for view in views[:DASHBOARD_LIMIT]:
        saved_list = LISTS[view.list_key]
        if not user.has_perm(saved_list.permission):
            continue
        rows.append(
            {
                "view": view,
                "list_label": saved_list.label,
                "url": saved_view_url(view),
                "count": saved_list.count(QueryDict(view.query)),
            }
        )
    return rows


def _user(request: HttpRequest) -> Any:
    """The signed-in user (the views require a login), typed for the ORM."""
    return request.user
