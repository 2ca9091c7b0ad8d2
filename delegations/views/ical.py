"""Each user's iCal feed of approved and confirmed visits, behind a secret token they can reset."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar, Event

from cityrelations.core.languages import user_language

from ..models import CalendarFeed, Visit, new_calendar_token


def _user(request: HttpRequest) -> Any:
    """The signed-in user (the views are behind login_required)."""
    return request.user


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("delegations:ical_feed", args=[feed.token])


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
def ical_settings(request: HttpRequest) -> HttpResponse:
    feed, _created = CalendarFeed.objects.get_or_create(user=_user(request))
    context = {"feed": feed, "feed_url": feed_url(feed), "title": _("Calendar subscription")}
    return render(request, "delegations/ical_settings.html", context)


@login_required
@permission_required("delegations.view_visit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def ical_reset(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (works without JavaScript); POST issues a new token."""
    if request.method == "GET":
        return render(
            request, "delegations/ical_reset.html", {"title": _("Reset your calendar address")}
        )
    feed, created = CalendarFeed.objects.get_or_create(user=_user(request))
    if not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token"])
    messages.success(
        request, _("Your calendar address has been reset; the old address no longer works.")
    )
    return redirect("delegations:ical_settings")


def visits_calendar(visits: list[Visit]) -> Calendar:
    host = urlsplit(settings.SITE_URL).hostname or "cityrelations"
    cal = Calendar()
    cal.add("prodid", "-//City Relations//Visits//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Visits"))
    stamp = timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", visit.title)
        event.add("dtstart", visit.start_date)
        # All-day events: DTEND is exclusive, so the day after the last day.
        event.add("dtend", visit.end_date + dt.timedelta(days=1))
        description = [
            f"{visit.get_direction_display()} · {visit.get_level_display()} · "
            f"{visit.get_status_display()}",
        ]
        if visit.purpose:
            description.append(visit.purpose)
        description.append(settings.SITE_URL + visit.get_absolute_url())
        event.add("description", "\n\n".join(description))
        cities = ", ".join(city.display_name for city in visit.cities.all())
        if cities:
            event.add("location", cities)
        event.add("url", settings.SITE_URL + visit.get_absolute_url())
        cal.add_component(event)
    return cal


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's visits, in the owner's language (a calendar app's request carries its own
    ``Accept-Language``, or none, which says nothing about who reads the events)."""
    feed = (
        CalendarFeed.objects.select_related("user__account_settings").filter(token=token).first()
        if 20 <= len(token) <= 64
        else None
    )
    if feed is None or not feed.user.is_active or not feed.user.has_perm("delegations.view_visit"):
        raise Http404("No such calendar.")
    visits = list(
        Visit.objects.on_calendar().prefetch_related("cities").order_by("start_date", "pk")
    )
    language = user_language(feed.user)
    with translation.override(language):
        calendar = visits_calendar(visits).to_ical()
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = language
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
