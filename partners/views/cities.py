"""Cities: picked from the offline gazetteer (or typed in), listed, shown, edited, deleted."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.history import history_rows
from cityrelations.core.pagination import paginate
from cityrelations.core.panels import panels_for
from cityrelations.core.views import safe_next

from ..filters.cities import CityFilter
from ..forms.cities import (
    CityForm,
    CitySearchForm,
    duplicate_city,
    duplicate_message,
    gazetteer_initial,
)
from ..geo import GazetteerCity, city_by_geonames_id, country_name, search_cities
from ..models import City, city_name_order

PER_PAGE = 25
SUGGESTION_LIMIT = 10


def _city_for(pk: int) -> City:
    return get_object_or_404(City, pk=pk)


def _with_param(url: str, **params: object) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _parse_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _suggestions(query: str) -> list[tuple[GazetteerCity, str, City | None]]:
    """Gazetteer matches, each with its label ("Vienna, Ausztria": the country in the reader's
    language, not the gazetteer's English) and the city already registered for it (one query)."""
    places = search_cities(query, limit=SUGGESTION_LIMIT)
    existing = {
        c.geonames_id: c
        for c in City.objects.filter(geonames_id__in=[p["geonames_id"] for p in places])
    }
    return [
        (
            place,
            f"{place['name']}, {country_name(place['country'])}",
            existing.get(place["geonames_id"]),
        )
        for place in places
    ]


@login_required
@permission_required("partners.view_city", raise_exception=True)
def city_list(request: HttpRequest) -> HttpResponse:
    cities = City.objects.annotate(partnership_count=Count("partnerships")).order_by(
        city_name_order(), "country", "pk"
    )
    city_filter = CityFilter(request.GET or None, queryset=cities)
    page = paginate(request, city_filter.qs, PER_PAGE)
    return render(
        request,
        "partners/city_list.html",
        {"filter": city_filter, "page": page, "cities": page.object_list},
    )


@login_required
@permission_required("partners.add_city", raise_exception=True)
@require_GET
def city_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the gazetteer suggestions for the search box, as an HTML fragment."""
    search = CitySearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        "partners/_city_suggestions.html",
        {"query": query, "suggestions": _suggestions(query), "next": safe_next(request, "")},
    )


@login_required
@permission_required("partners.add_city", raise_exception=True)
@require_http_methods(["GET", "POST"])
def city_create(request: HttpRequest) -> HttpResponse:
    """Pick from the gazetteer (``?geonames_id=``) so the facts fill themselves, or type them."""
    next_url = safe_next(request, "")
    if request.method == "POST":
        form = CityForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    city = form.save()
            except IntegrityError:
                # Someone saved the same city between our check and our insert.
                form.add_error(None, _("This city was just added by someone else."))
            else:
                messages.success(request, _("%(city)s was added.") % {"city": city})
                return redirect(_with_param(next_url, city=city.pk) if next_url else city)
    else:
        form = CityForm(initial=_picked_initial(request))

    search = CitySearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        "partners/city_form.html",
        {
            "form": form,
            "search": search,
            "query": query,
            "suggestions": _suggestions(query) if query else [],
            "next": next_url,
            "picked": bool(form.initial.get("geonames_id") or form.data.get("geonames_id")),
            "title": _("Add a city"),
            "trail": [(_("Cities"), reverse("partners:city_list")), (_("Add a city"), "")],
        },
    )


def _picked_initial(request: HttpRequest) -> dict[str, object]:
    raw = request.GET.get("geonames_id")
    if not raw:
        return {}
    geonames_id = _parse_int(raw)
    place = city_by_geonames_id(geonames_id) if geonames_id else None
    if place is None:
        messages.warning(request, _("That place is not in the gazetteer; enter it by hand."))
        return {}
    existing = duplicate_city(
        name=place["name"], country=place["country"], region="", geonames_id=geonames_id
    )
    if existing is not None:
        messages.warning(request, duplicate_message(existing))
    return gazetteer_initial(place)


@login_required
@permission_required("partners.view_city", raise_exception=True)
def city_detail(request: HttpRequest, pk: int) -> HttpResponse:
    city = _city_for(pk)
    partnerships = list(
        city.partnerships.select_related("coordinator").order_by("-established_on", "-pk")
    )
    offices = list(city.offices.current().select_related("contact"))
    context = {
        "city": city,
        "partnerships": partnerships,
        "open_partnership": next((p for p in partnerships if p.is_open), None),
        # Office holders are listed with their office; the other contacts below them.
        "offices": offices,
        "contacts": city.contacts.exclude(pk__in=[o.contact_id for o in offices]).select_related(
            "organization"
        ),
        "organizations": city.organizations.order_by("name"),
        "history": history_rows(city),
        "panels": panels_for("city", request, city),
        "trail": [(_("Cities"), reverse("partners:city_list")), (str(city), "")],
    }
    return render(request, "partners/city_detail.html", context)


@login_required
@permission_required("partners.change_city", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def city_update(request: HttpRequest, pk: int) -> HttpResponse:
    city = _city_for(pk)
    form = CityForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error(None, _("Another city with these details was just saved."))
        else:
            messages.success(request, _("%(city)s was saved.") % {"city": city})
            return redirect(city)
    title = _("Edit %(city)s") % {"city": city}
    return render(
        request,
        "partners/city_form.html",
        {
            "form": form,
            "title": title,
            "trail": [
                (_("Cities"), reverse("partners:city_list")),
                (str(city), city.get_absolute_url()),
                (_("Edit"), ""),
            ],
        },
    )


def _still_referred(city: City, error: ProtectedError) -> str:
    count = len(error.protected_objects)
    return ngettext(
        "%(city)s cannot be deleted: %(count)d partnership refers to it. "
        "Delete the partnership first, or keep the city.",
        "%(city)s cannot be deleted: %(count)d partnerships refer to it. "
        "Delete the partnerships first, or keep the city.",
        count,
    ) % {"city": city, "count": count}


def _delete_consequences(city: City) -> list[str]:
    """What deleting the city would do to the records that refer to it (one query)."""
    counts = City.objects.filter(pk=city.pk).aggregate(
        partnerships=Count("partnerships", distinct=True),
        contacts=Count("contacts", distinct=True),
        organizations=Count("organizations", distinct=True),
    )
    lines = [
        (
            "partnerships",
            ngettext_lazy(
                "It has %(count)d partnership: delete that first, the city cannot go before it.",
                "It has %(count)d partnerships: delete those first, "
                "the city cannot go before them.",
                "count",
            ),
        ),
        (
            "contacts",
            ngettext_lazy(
                "%(count)d contact will lose their city.",
                "%(count)d contacts will lose their city.",
                "count",
            ),
        ),
        (
            "organizations",
            ngettext_lazy(
                "%(count)d organisation will lose its seat.",
                "%(count)d organisations will lose their seat.",
                "count",
            ),
        ),
    ]
    # Lazy plurals keyed by "count": each picks its form when the count is filled in.
    return [line % {"count": counts[key]} for key, line in lines if counts[key]]


@login_required
@permission_required("partners.delete_city", raise_exception=True)
@require_http_methods(["GET", "POST"])
def city_delete(request: HttpRequest, pk: int) -> HttpResponse:
    city = _city_for(pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                city.delete()
        except ProtectedError as error:
            messages.error(request, _still_referred(city, error))
            return redirect(city)
        messages.success(request, _("%(city)s was deleted.") % {"city": city})
        return redirect("partners:city_list")
    return render(
        request,
        "cityrelations/confirm_delete.html",
        {
            "object": city,
            "cancel_url": city.get_absolute_url(),
            "consequences": _delete_consequences(city),
        },
    )
