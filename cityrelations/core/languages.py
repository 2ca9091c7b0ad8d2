"""The site's languages, and which of them a person reads: the one place that decides both.

The languages the site offers are ``settings.LANGUAGES``, read here only: :func:`site_languages`
(codes and names, also the choices of a language field), :func:`site_language_codes`,
:func:`is_site_language`, :func:`language_name`; :func:`in_each_language` runs something once
under each of them (a text in every language, an import that reads either).

Which language a person reads:

- A subscriber chose theirs (``Subscriber.language``).
- A staff user chooses theirs in the user menu; it is kept on the account
  (:class:`~cityrelations.core.models.AccountSettings`). :func:`user_language` answers it for
  email, with ``settings.STAFF_LANGUAGE`` (the unit's working language) for those who have not
  chosen. Pages follow it through :class:`AccountLanguageMiddleware`, placed after the
  authentication middleware; at login (:func:`remember_account_language`) the choice is copied
  into the session, so that a request costs no query for it.
- Everyone else, and staff who chose "the browser's language", read what LocaleMiddleware picks:
  the language cookie (the header's switch sets it), then the browser's ``Accept-Language``,
  then ``settings.LANGUAGE_CODE``.

:func:`reset_language` runs as every request starts and finishes (connected in
``cityrelations/apps.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation.trans_real import parse_accept_lang_header

# The account's language in the session: "" for "the browser's language"; absent until read.
ACCOUNT_LANGUAGE_KEY = "account_language"


T = TypeVar("T")


def site_languages() -> list[tuple[str, Any]]:
    """``[(code, name)]`` of the languages the site offers, in the settings' order. Also the
    choices of a language field: a callable, so that a third language needs no migration."""
    return list(settings.LANGUAGES)


def site_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_site_language(code: object) -> bool:
    return code in site_language_codes()


def site_language(code: str | None) -> str:
    """``code`` if the site offers it, else the site's own language."""
    return code if code and is_site_language(code) else settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """The settings' name of a language the site offers ("Hungarian"), in the active language."""
    return str(dict(settings.LANGUAGES)[code])


def in_each_language(render: Callable[..., T], *args: Any) -> dict[str, T]:
    """``{code: render(*args)}`` for each language the site offers, each call under its
    language, so that its gettext sentences, choice labels, dates and names read as that
    language writes them."""
    results: dict[str, T] = {}
    for code in site_language_codes():
        with translation.override(code):
            results[code] = render(*args)
    return results


def first_site_language(codes: Iterable[str]) -> str:
    """The first of ``codes`` the site offers (a contact's "hu, en"), else the site's language."""
    for code in codes:
        code = code.strip().lower()
        if is_site_language(code):
            return code
    return settings.LANGUAGE_CODE


def account_language(user: Any) -> str:
    """The language chosen on the account, or "" (none chosen, or one the site no longer
    offers). One query unless ``account_settings`` is already loaded (``select_related``)."""
    try:
        language = user.account_settings.language
    except ObjectDoesNotExist:
        return ""
    return language if is_site_language(language) else ""


def user_language(user: Any) -> str:
    """The language a staff user reads email in: their own choice, else the unit's."""
    return account_language(user) or settings.STAFF_LANGUAGE


def browser_language(request: HttpRequest) -> str:
    """The first language of the browser's ``Accept-Language`` that the site offers (a regional
    variant counts: hu-HU is hu), else ``settings.LANGUAGE_CODE``. The cookie is not read."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Django's language cookie, as its ``set_language`` view writes it; "" deletes it."""
    if not language:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def activate_for_request(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


# An address may name its language (``/newsletter/archive/2026-05/?lang=hu``): a link in a
# Hungarian email or feed then opens in Hungarian, whatever the browser or the cookie says.
LANGUAGE_QUERY_PARAMETER = "lang"


def requested_language(request: HttpRequest) -> str:
    """The language the address asks for (``?lang=hu``) if the site offers it, else ""."""
    language = request.GET.get(LANGUAGE_QUERY_PARAMETER, "")
    return language if language in site_language_codes() else ""


def in_requested_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a public view: the page speaks the language its address asks for (``?lang=``),
    over the cookie, the browser and the account; an unknown code is ignored."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = requested_language(request)
        if language:
            # Activated, not overridden: LocaleMiddleware's Content-Language, after the view,
            # reads the active language.
            activate_for_request(request, language)
        return view(request, *args, **kwargs)

    return wrapper


def language_url(path: str, language: str) -> str:
    """``path`` asking for ``language``: "/newsletter/archive/2026-05/?lang=hu"."""
    return f"{path}?{urlencode({LANGUAGE_QUERY_PARAMETER: language})}"


def path_without_language(request: HttpRequest) -> str:
    """The request's path and query without ``?lang=``: where the language switch returns to,
    so that the language chosen there is not overruled by the address."""
    query = request.GET.copy()
    query.pop(LANGUAGE_QUERY_PARAMETER, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def remember_account_language(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """At login: the account's language into the session (the one query it costs)."""
    if request is not None and hasattr(request, "session"):
        request.session[ACCOUNT_LANGUAGE_KEY] = account_language(user)


def _session_language(request: HttpRequest) -> str:
    """The signed-in user's chosen language, from the session; "" for a visitor or no choice.
    A session from before the choice was kept there reads it once (one query) and keeps it."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:  # a visitor: no user query either
        return ""
    if ACCOUNT_LANGUAGE_KEY not in session:
        if not request.user.is_authenticated:
            return ""
        session[ACCOUNT_LANGUAGE_KEY] = account_language(request.user)
    language = session[ACCOUNT_LANGUAGE_KEY]
    return language if is_site_language(language) else ""


class AccountLanguageMiddleware:
    """A signed-in user's chosen language wins over LocaleMiddleware's choice (the cookie, the
    browser's language), on every page and in the admin. The cookie is set to it as well, so
    that the pages after logging out keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _session_language(request)
        if language:
            activate_for_request(request, language)
        request.account_language = language  # type: ignore[attr-defined]  # for the user menu
        response = self.get_response(request)
        # After the view: a login has just copied the account's language into the session.
        language = _session_language(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            set_language_cookie(response, language)
        return response


def reset_language(**_signal: Any) -> None:
    """Back to the site's language, at the start and the end of every request.

    LocaleMiddleware activates the reader's language for the thread and leaves it there. The
    next request on that thread would otherwise begin in the previous reader's language: an
    answer given before LocaleMiddleware runs (a refused host on the HTTPS redirect) spoke it,
    and so did code running on the thread after the response (tests calling a service).
    """
    translation.deactivate()


def unit_name(language: str | None = None) -> str:
    """The unit's name in ``language`` (the active one by default): ``settings.UNIT_NAMES``,
    else ``settings.UNIT_NAME``."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return settings.UNIT_NAMES.get(language) or settings.UNIT_NAME


# For contexts built before the language is known (an email's context, rendered under the
# recipient's language): the name is looked up each time it is rendered.
lazy_unit_name = lazy(unit_name, str)
