"""Request types for the type checker: what a view may assume of ``request``."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request that only reaches a view behind ``login_required`` (or the admin's login):
    ``request.user`` is a signed-in user, never ``AnonymousUser``."""

    user: User
