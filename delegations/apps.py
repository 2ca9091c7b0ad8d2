from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self) -> None:
        from partners.taskkinds import register_kind

        from .models import Event, Visit
        from .panels import register_panels
        from .pickers import register_picker_sources

        register_picker_sources()
        register_kind(Visit)  # the report's follow-ups are tasks linked to the visit
        register_kind(Event)  # an event's follow-ups (issue 14)
        register_panels()
