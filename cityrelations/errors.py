"""Error pages (400, 403, 404, 500 and the CSRF failure) in the site's own layout.

Staff (anyone logged in) see the staff layout with a way back to the dashboard; anonymous
visitors, and anyone on a public page, see the public layout with a way to the newsletter
archive. Pages are in the reader's language (LocaleMiddleware has already chosen it).

The 500 page must render when the database is what failed: it never loads the user or the
session, runs no context processor, and falls back to a bare page if even its template fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.urls import reverse
from django.utils.functional import empty
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cityrelations.core.languages import unit_name
from cityrelations.core.roles import ROLE_LABELS

logger = logging.getLogger(__name__)

# Pages anyone may open: an error there keeps the public layout, even for a logged-in reader.
# Everything in a view module listed here is public, as are the single views named after it.
PUBLIC_VIEW_MODULES = ("newsletters.views.public",)
PUBLIC_VIEW_NAMES = frozenset(
    {
        "delegations:gift_public",
        "delegations:gift_public_csv",
        "delegations:ical_feed",
        "healthz",
    }
)


@dataclass(frozen=True)
class ErrorKind:
    status: int
    title: Any
    message: Any


BAD_REQUEST = ErrorKind(
    400,
    gettext_lazy("Bad request"),
    gettext_lazy(
        "The request could not be understood. Check the address, or go back and try again."
    ),
)
FORBIDDEN = ErrorKind(
    403,
    gettext_lazy("Access denied"),
    gettext_lazy("You do not have permission to open this page."),
)
NOT_FOUND = ErrorKind(
    404,
    gettext_lazy("Page not found"),
    gettext_lazy(
        "The page you asked for does not exist or has been moved. Check the address, or "
        "start again from the link below."
    ),
)
SERVER_ERROR = ErrorKind(
    500,
    gettext_lazy("Server error"),
    gettext_lazy(
        "Something went wrong on our side. The error has been recorded; please try again "
        "in a few minutes."
    ),
)
TOO_LARGE = ErrorKind(
    413,
    gettext_lazy("The form is too large"),
    gettext_lazy(
        "What you sent is larger than this site accepts. Go back and send a smaller file, "
        "or split it into several."
    ),
)
CSRF_FAILED = ErrorKind(
    403,
    gettext_lazy("The form could not be sent"),
    gettext_lazy(
        "Its security check failed: the page may have been open for too long, or your "
        "browser blocks cookies from this site. Go back, reload the page and send the "
        "form again."
    ),
)


def _loaded_user(request: HttpRequest) -> Any:
    """The request's user if something already loaded it, else None (never a query)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    return None if wrapped is None or wrapped is empty else wrapped


def _on_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    module = getattr(match.func, "__module__", "")
    return module in PUBLIC_VIEW_MODULES or match.view_name in PUBLIC_VIEW_NAMES


def _audience(request: HttpRequest, user: Any) -> str:
    if _on_public_page(request) or not getattr(user, "is_authenticated", False):
        return "public"
    return "staff"


def _context(kind: ErrorKind, audience: str) -> dict[str, Any]:
    if audience == "staff":
        back_url, back_label = reverse("dashboard"), _("Go to the dashboard")
    else:
        back_url, back_label = reverse("newsletters:archive"), _("Go to the newsletter archive")
    return {
        "status": kind.status,
        "title": kind.title,
        "message": kind.message,
        "audience": audience,
        "back_url": back_url,
        "back_label": back_label,
    }


def _render(request: HttpRequest, kind: ErrorKind) -> HttpResponse:
    """A 4xx page with the request's full context (user menu, messages)."""
    try:
        audience = _audience(request, getattr(request, "user", None))
        template = loader.get_template(f"errors/{audience}.html")
        body = template.render(_context(kind, audience), request)
    except Exception:  # e.g. the database is down as well: the page that needs none
        logger.exception("The %s page could not be rendered in full", kind.status)
        return _render_from_memory(request, kind)
    return HttpResponse(body, status=kind.status)


def _render_from_memory(request: HttpRequest, kind: ErrorKind) -> HttpResponse:
    """The page from what is already in memory: no query, no context processor, and a bare
    version if even the template fails (the page about an error must not become a second one).
    """
    try:
        user = _loaded_user(request) or AnonymousUser()
        audience = _audience(request, user)
        context = _context(kind, audience) | {
            "request": request,
            "user": user,
            "role_names": [
                str(ROLE_LABELS.get(name, name)) for name in getattr(user, "_group_names", [])
            ],
            "csrf_token": get_token(request),
            "UNIT_NAME": unit_name(),
            "HOME_CITY_NAME": settings.HOME_CITY["name"],
        }
        body = loader.get_template(f"errors/{audience}.html").render(context)
    except Exception:
        logger.exception("The %s page could not be rendered; sending the bare version", kind.status)
        body = (
            f'<!doctype html><html lang="{escape(get_language())}">'
            f"<title>{escape(kind.title)}</title>"
            f"<h1>{escape(kind.title)}</h1><p>{escape(kind.message)}</p>"
            f'<p><a href="/">{escape(_("Home"))}</a></p>'
        )
    return HttpResponse(body, status=kind.status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, NOT_FOUND)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason ("CSRF cookie not set.") is for the log, which django.security.csrf writes.
    return _render(request, CSRF_FAILED)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render_from_memory(request, SERVER_ERROR)


class RequestTooLargeMiddleware:
    """Refuses a request whose body is larger than ``MAX_REQUEST_BYTES`` before anything reads
    it. Django limits a form's fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams uploaded
    files to disk whatever their size, and the CSRF check parses a multipart body before any
    view can look at the file: without this, one large POST to a public form fills the disk.
    Placed before the CSRF middleware; a body sent without a length is left to the server."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return _render(request, TOO_LARGE)  # the server drops the body left unread
        response: HttpResponse = self.get_response(request)
        return response
