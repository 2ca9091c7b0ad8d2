"""Session and CSRF cookie settings, as a function of debug so that tests can call it.

With debug off the cookies carry the ``__Host-`` prefix: browsers then accept them only when
they are Secure, have ``Path=/`` and no ``Domain``, so a sibling subdomain cannot plant or
overwrite them. With debug on (``make run`` over plain http) the usual names are kept.
"""

from __future__ import annotations


def cookie_settings(*, debug: bool) -> dict[str, object]:
    if debug:
        return {"SESSION_COOKIE_NAME": "sessionid", "CSRF_COOKIE_NAME": "csrftoken"}
    return {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
    }
