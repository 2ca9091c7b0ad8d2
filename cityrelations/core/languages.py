"""Which language a person reads: the one place that decides it for emails (and, later, pages).

A subscriber chose theirs (``Subscriber.language``); staff users have no setting of their own
yet, so :func:`user_language` answers ``settings.STAFF_LANGUAGE``, the unit's working language
(Hungarian unless configured). Issue 12 stores a per-user choice: only this module changes then.

:func:`reset_language` runs as every request starts and finishes (connected in
``cityrelations/apps.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation


def first_site_language(codes: Iterable[str]) -> str:
    """The first of ``codes`` the site offers (a contact's "hu, en"), else the site's language."""
    offered = {language for language, _name in settings.LANGUAGES}
    for code in codes:
        code = code.strip().lower()
        if code in offered:
            return code
    return settings.LANGUAGE_CODE


def user_language(user: Any) -> str:
    """The language a staff user reads email in: the unit's, until users can choose (issue 12)."""
    return settings.STAFF_LANGUAGE


def reset_language(**_signal: Any) -> None:
    """Back to the site's language, at the start and the end of every request.

    LocaleMiddleware activates the reader's language for the thread and leaves it there. The
    next request on that thread would otherwise begin in the previous reader's language: an
    answer given before LocaleMiddleware runs (a refused host on the HTTPS redirect) spoke it,
    and so did code running on the thread after the response (tests calling a service).
    """
    translation.deactivate()
