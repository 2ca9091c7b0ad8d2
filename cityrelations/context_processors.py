from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .roles import can_edit, group_names


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "UNIT_NAME": settings.UNIT_NAME,
        "HOME_CITY_NAME": settings.HOME_CITY["name"],
        "can_edit": can_edit(request.user),
        "role_names": group_names(request.user),
    }
