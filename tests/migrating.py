"""Running migrations to a point inside a test (a data migration tested on the rows it meets)."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str]]) -> Apps:
    """Migrate the test database to ``targets`` and return the historical models there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Back to every app's last migration (a test that went back in time leaves as it found)."""
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
