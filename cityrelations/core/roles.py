"""The two staff roles, as Django groups, and the permissions each one holds.

Groups are created by a data migration; their permissions are (re)assigned after every
``migrate`` so that models added later are covered without another migration.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

DIPLOMACY_UNIT = "Diplomacy unit"
MAYORS_OFFICE = "Mayor's office"
# The groups' names are data (the migration made them, permissions look them up); what a reader
# sees is the role's name in their language.
ROLE_LABELS = {
    DIPLOMACY_UNIT: gettext_lazy("Diplomacy unit"),
    MAYORS_OFFICE: gettext_lazy("Mayor's office"),
}
CRM_APPS = ("partners", "delegations", "newsletters")

# A calendar feed's token opens its owner's feed without a login: no role reads or manages other
# people's feeds (each user manages their own on their profile; administrators in the admin).
CALENDAR_FEED_PERMISSIONS = tuple(
    f"delegations.{action}_calendarfeed" for action in ("add", "change", "delete", "view")
)
# Permissions the mayor's office holds beyond reading everything: "app_label.codename".
MAYORS_OFFICE_EXTRA = ("delegations.review_visit",)
# Citizens' personal data: the mayor's office needs counts, not people (DESIGN.md "Security
# baseline"), so it does not get these "view_" permissions of the CRM apps.
MAYORS_OFFICE_EXCLUDED = (
    "newsletters.view_subscriber",
    "newsletters.view_historicalsubscriber",
    "newsletters.view_suppression",
    "newsletters.view_delivery",
    "newsletters.view_suppressionlift",
    # Who asked for a visit (name, address, IP): the unit triages requests, the office does not.
    "delegations.view_visitrequest",
    # Hosted events' registrants (the event page shows the office the counts by status).
    "delegations.view_registration",
    "delegations.view_historicalregistration",
    "delegations.view_sessionattendance",
    *CALENDAR_FEED_PERMISSIONS,
)
# Permissions kept from the diplomacy unit (decisions belong to the mayor's office).
DIPLOMACY_UNIT_EXCLUDED = ("delegations.review_visit", *CALENDAR_FEED_PERMISSIONS)


def group_names(user: Any) -> list[str]:
    """The user's groups, sorted; read once per request (kept on the user object)."""
    if not user.is_authenticated:
        return []
    names = getattr(user, "_group_names", None)
    if names is None:
        names = sorted(user.groups.values_list("name", flat=True))
        user._group_names = names
    return names


def role_labels(user: Any) -> list[str]:
    """The user's roles as the reader's language names them (a group we did not make: as is)."""
    return [str(ROLE_LABELS.get(name, name)) for name in group_names(user)]


def in_group(user: Any, name: str) -> bool:
    return name in group_names(user)


def is_diplomacy_unit(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or in_group(user, DIPLOMACY_UNIT)))


def is_mayors_office(user: Any) -> bool:
    return in_group(user, MAYORS_OFFICE)


def can_edit(user: Any) -> bool:
    """Whether the user may change CRM records (the diplomacy unit, or an administrator)."""
    return is_diplomacy_unit(user)


# How people are listed wherever a user is picked.
BY_NAME = ("first_name", "last_name", "username")


def active_users() -> QuerySet[Any]:
    """Every user who may still sign in, by name."""
    return get_user_model().objects.filter(is_active=True).order_by(*BY_NAME)


def staff_users(*roles: str) -> QuerySet[Any]:
    """Active members of ``roles`` (by default the diplomacy unit), by name: the people a
    record can be given to (a coordinator, an owner, a participant from our side)."""
    return active_users().filter(groups__name__in=roles or (DIPLOMACY_UNIT,)).distinct()


def sync_role_permissions(**kwargs: Any) -> None:
    """Give each role its permissions. Connected to ``post_migrate``; idempotent."""
    from django.contrib.auth.models import Group, Permission

    crm = Permission.objects.filter(content_type__app_label__in=CRM_APPS)

    def split(perms: tuple[str, ...]) -> list[Permission]:
        found: list[Permission] = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            found += crm.filter(content_type__app_label=app_label, codename=codename)
        return found

    unit, _ = Group.objects.get_or_create(name=DIPLOMACY_UNIT)
    excluded = {p.pk for p in split(DIPLOMACY_UNIT_EXCLUDED)}
    unit.permissions.set([p for p in crm if p.pk not in excluded])

    office, _ = Group.objects.get_or_create(name=MAYORS_OFFICE)
    hidden = {p.pk for p in split(MAYORS_OFFICE_EXCLUDED)}
    readable = [p for p in crm.filter(codename__startswith="view_") if p.pk not in hidden]
    office.permissions.set([*readable, *split(MAYORS_OFFICE_EXTRA)])
