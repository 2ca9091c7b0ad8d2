from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CityRelationsConfig(AppConfig):
    name = "cityrelations"
    verbose_name = "City Relations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the security checks)
        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="cityrelations.roles")
