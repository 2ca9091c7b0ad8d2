"""Which kinds of record may carry tasks, how to fetch them for a list, and who may link to them.

Each app registers its kinds in its ``AppConfig.ready()`` (partners its own, delegations the
visit): partners cannot import the apps above it, yet lists tasks linked to their records.
A link is accepted only to a registered kind, and only by a user who may view that kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Model, QuerySet
from django.urls import reverse


def _absolute_url(record: Any) -> str:
    return str(record.get_absolute_url())


@dataclass(frozen=True)
class TaskKind:
    model: type[Model]
    # The queryset a list of tasks fetches this kind's records with (what ``str()`` needs).
    queryset: Callable[[], QuerySet[Any]]
    url: Callable[[Any], str] = _absolute_url

    @property
    def key(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def label(self) -> Any:
        return self.model._meta.verbose_name

    @property
    def view_permission(self) -> str:
        return f"{self.model._meta.app_label}.view_{self.key}"

    def may_view(self, user: Any) -> bool:
        return bool(user.has_perm(self.view_permission))

    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


_kinds: dict[str, TaskKind] = {}


def register_kind(
    model: type[Model],
    queryset: Callable[[], QuerySet[Any]] | None = None,
    url: Callable[[Any], str] = _absolute_url,
) -> None:
    kind = TaskKind(model=model, queryset=queryset or model._default_manager.all, url=url)
    _kinds[kind.key] = kind


def kinds() -> list[TaskKind]:
    return sorted(_kinds.values(), key=lambda k: str(k.label))


def kind_named(key: str | None) -> TaskKind | None:
    return _kinds.get(key or "")


def kind_of(record: Any) -> TaskKind | None:
    return _kinds.get(type(record)._meta.model_name or "")


def record_url(record: Any) -> str:
    """The page of a task's record ("" if it has none, or its kind is not registered)."""
    kind = kind_of(record) if record is not None else None
    return kind.url(record) if kind else ""


def records_prefetch() -> GenericPrefetch[Any]:
    """Fetch the records of a list of tasks: one query per kind present, each with what the
    record's name needs (a partnership's city, a membership's organisation)."""
    return GenericPrefetch("record", [kind.queryset() for kind in _kinds.values()])


def add_task_url(record: Model, *, next_url: str = "", **initial: str) -> str:
    """The "Add task" address for ``record``, prefilled (``title``, ``due_on``)."""
    kind = kind_of(record)
    query = {"kind": kind.key if kind else "", "object_id": str(record.pk), **initial}
    if next_url:
        query["next"] = next_url
    return f"{reverse('partners:task_create')}?{urlencode(query)}"
