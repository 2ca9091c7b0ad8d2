"""Visits (incoming and outgoing delegations), their participants, itinerary, logistics, the
workflow record, and gifts (the report's follow-ups are tasks: ``partners.Task``) — one module per concept, all under the app label
``delegations``."""

from .events import (
    EVENT_STATUS_BADGES,
    Event,
    EventQuerySet,
    EventSession,
    Registration,
    RegistrationQuerySet,
    SessionAttendance,
)
from .feeds import CalendarFeed, new_calendar_token
from .gifts import Gift
from .plan import AgendaItem, LogisticsItem, Participant, RowLinks
from .requests import VisitRequest, VisitRequestReply
from .visits import STATUS_BADGES, Visit, VisitQuerySet, VisitTransition, date_span

# Migration 0001 names the feed token's default as ``delegations.models.new_calendar_token``.
__all__ = [
    "EVENT_STATUS_BADGES",
    "STATUS_BADGES",
    "AgendaItem",
    "CalendarFeed",
    "Event",
    "EventQuerySet",
    "EventSession",
    "Gift",
    "LogisticsItem",
    "Participant",
    "Registration",
    "RegistrationQuerySet",
    "RowLinks",
    "SessionAttendance",
    "Visit",
    "VisitQuerySet",
    "VisitRequest",
    "VisitRequestReply",
    "VisitTransition",
    "date_span",
    "new_calendar_token",
]
