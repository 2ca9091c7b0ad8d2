"""System checks that keep the embedded mode's conveniences out of production.

They run with every ``manage.py`` command that checks (``migrate`` included, so the compose stack
stops before gunicorn starts) and are errors only when debug is off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import mailbox
from .esp import configured_esp, tracking_urlpatterns, webhook_secret

# Every secret key that appears in this repository (settings, Dockerfile, compose file, README,
# benchmark commands, the old compose default): public, so never a production key.
EXAMPLE_SECRET_KEYS = frozenset(
    {
        "embedded-mode-insecure-key-change-me-" + "x" * 32,
        "local-compose-trial-key-change-me-in-dot-env-0123456789abcdef",
        "collectstatic-only-not-a-runtime-secret",
        "bench-" + "k" * 50,
        "compose-config-validation-only",
        "a-long-random-production-secret-" + "k" * 40,
    }
)
# Words that mark a key as a placeholder, whatever else it says.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "insecure", "example", "not-a-runtime-secret")


def is_example_secret_key(key: str) -> bool:
    lowered = key.lower()
    return key in EXAMPLE_SECRET_KEYS or any(marker in lowered for marker in PLACEHOLDER_MARKERS)


@register(Tags.security)
def check_mailbox_backend(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG or settings.EMAIL_BACKEND != mailbox.BACKEND:
        return []
    return [
        Error(
            "The local mailbox email backend is for the embedded (debug) mode only.",
            hint="Set EMAIL_URL (e.g. smtp://user:pass@smtp.example.org:587/?tls=True) or an "
            "anymail EMAIL_BACKEND.",
            id="cityrelations.E001",
        )
    ]


@register(Tags.security)
def check_esp_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    esp = configured_esp()
    if not esp or webhook_secret() or not tracking_urlpatterns(esp):
        return []
    message = f"ANYMAIL WEBHOOK_SECRET is not set, so the {esp} tracking webhook is not mounted."
    hint = (
        "Set ANYMAIL_WEBHOOK_SECRET to a random 'user:password' and give the same credentials "
        "to the ESP's webhook URL; without it bounces and complaints are not recorded."
    )
    if settings.DEBUG:
        return [Warning(message, hint=hint, id="cityrelations.W002")]
    return [Error(message, hint=hint, id="cityrelations.E002")]


@register(Tags.security)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG or not is_example_secret_key(settings.SECRET_KEY):
        return []
    return [
        Error(
            "DJANGO_SECRET_KEY is an example key that is public in the repository.",
            hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
            id="cityrelations.E003",
        )
    ]
