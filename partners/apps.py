from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from django.urls import reverse

        from cityrelations.core.panels import Panel, register

        from . import models
        from .hubs import register_panels
        from .pickers import register_picker_sources
        from .taskkinds import register_kind
        from .views.tasks import tasks_panel

        register_picker_sources()
        register_kind(models.Partnership, lambda: models.Partnership.objects.select_related("city"))
        register_kind(models.Organization)
        register_kind(models.Contact)
        register_kind(
            models.Membership, lambda: models.Membership.objects.select_related("organization")
        )
        register_kind(models.Agreement)
        register_kind(models.Project)
        register_kind(
            models.Opportunity, lambda: models.Opportunity.objects.select_related("organization")
        )
        register_kind(
            models.Interaction,
            url=lambda i: reverse("partners:interaction_update", args=[i.pk]),
        )
        for hub in ("partnership", "organization", "contact"):
            register(
                hub,
                Panel(
                    key="tasks",
                    title=_("Open tasks"),
                    template="partners/_tasks_panel.html",
                    context=tasks_panel,
                    order=80,
                    permission="partners.view_task",
                ),
            )
        register_panels()
