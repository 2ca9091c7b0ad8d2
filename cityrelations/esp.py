"""Which ESP webhook routes exist: only the tracking route of the ESP that ``EMAIL_BACKEND``
names, and only when a webhook secret authenticates it.

``include("anymail.urls")`` would mount every provider's tracking *and* inbound routes, and
anymail accepts unauthenticated posts (with a warning) when no secret is set: anyone could post
a forged bounce and suppress a subscriber. So the routes are picked here instead.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern

ANYMAIL_BACKEND_PREFIX = "anymail.backends."


def configured_esp() -> str | None:
    """The anymail ESP in ``EMAIL_BACKEND`` ("anymail.backends.postmark.EmailBackend" gives
    "postmark"), or ``None`` for SMTP and the other Django backends."""
    backend = settings.EMAIL_BACKEND
    if not backend.startswith(ANYMAIL_BACKEND_PREFIX):
        return None
    return backend.removeprefix(ANYMAIL_BACKEND_PREFIX).split(".", 1)[0]


def webhook_secret() -> object:
    from anymail.utils import get_anymail_setting

    return get_anymail_setting("webhook_secret", default=None)


def tracking_urlpatterns(esp: str | None) -> list[URLPattern]:
    """Anymail's own tracking route for that ESP (none for ESPs without webhooks)."""
    if not esp:
        return []
    from anymail.urls import urlpatterns

    return [p for p in urlpatterns if p.name == f"{esp}_tracking_webhook"]


def mounted_webhook_urlpatterns() -> list[URLPattern]:
    """What ``cityrelations/urls.py`` mounts under ``anymail/``: nothing without a secret."""
    if not webhook_secret():
        return []
    return tracking_urlpatterns(configured_esp())
