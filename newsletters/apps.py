from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self) -> None:
        # The tasks are registered in every process: the sending engine enqueues send_batch by
        # its name (sending/enqueue.py). webhooks connects the anymail tracking receiver.
        from . import tasks, webhooks  # noqa: F401
        from .event_signups import connect
        from .panels import register_panels

        register_panels()
        connect()  # event registrants who asked for the newsletter (double opt-in)
