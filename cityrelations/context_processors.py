from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from cityrelations.core.languages import unit_name
from cityrelations.core.roles import can_edit, role_labels


def site(request: HttpRequest) -> dict[str, object]:
    # No user yet when a middleware before AuthenticationMiddleware refused the request (a bad
    # Host header: CommonMiddleware); the 400 page still renders in full, as for a visitor.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "UNIT_NAME": unit_name(),
        "HOME_CITY_NAME": settings.HOME_CITY["name"],
        "can_edit": can_edit(user),
        "role_names": role_labels(user),
    }
