"""Writes of the partners app that touch several rows or models at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.fields.related import ForeignObjectRel, ManyToManyRel

from cityrelations.core.history import note_change

from .models import Contact, MergedContact, Office, Task
from .models.people import CONTACT_FIELDS

# The Contact fields a merge may take from either record: all its own fields.
MERGEABLE_FIELDS = CONTACT_FIELDS


def office_create(
    *,
    office: Office,
    end_previous: Iterable[Office] = (),
    by: AbstractBaseUser | AnonymousUser | None,
) -> Office:
    """Save a new office; end the given previous holders' terms the day before it starts.

    A change of mayor keeps the history: the old term gets an end date instead of being edited
    into the new one.
    """
    previous = list(end_previous)
    with transaction.atomic():
        if previous:
            if office.started_on is None:
                raise ValueError("A handover needs the new office's start date.")
            handover = office.started_on - dt.timedelta(days=1)
            for old in Office.objects.select_for_update().filter(
                pk__in=[o.pk for o in previous], ended_on__isnull=True
            ):
                old.ended_on = handover
                note_change(old, by=by, reason=f"Succeeded by {office.contact}")
                old.save(update_fields=["ended_on", "updated_at"])
        note_change(office, by=by)
        office.save()
    return office


UniqueSet = tuple[tuple[str, ...], Q]


def _unique_field_sets(model: type[models.Model], field_name: str) -> list[UniqueSet]:
    """Unique sets of ``model`` that include ``field_name``, each with its condition (if any)."""
    sets = [(tuple(fields), Q()) for fields in model._meta.unique_together]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            sets.append((tuple(constraint.fields), constraint.condition or Q()))
    return [(fields, condition) for fields, condition in sets if field_name in fields]


def _would_clash(row: models.Model, field_name: str, keep: Contact) -> bool:
    """Whether pointing ``row`` at ``keep`` would break one of its model's unique constraints."""
    model = type(row)
    unique_sets = _unique_field_sets(model, field_name)
    field = model._meta.get_field(field_name)
    if field.one_to_one or getattr(field, "unique", False):
        unique_sets.append(((field_name,), Q()))
    for fields, condition in unique_sets:
        if condition and not model._base_manager.filter(condition, pk=row.pk).exists():
            continue
        lookup = {f: getattr(row, f) for f in fields if f != field_name}
        lookup[field_name] = keep
        if model._base_manager.filter(condition, **lookup).exists():
            return True
    return False


def _move_foreign_keys(rel: ForeignObjectRel, keep: Contact, remove: Contact) -> None:
    """Point every row of a FK/one-to-one at ``keep``; drop rows that would then be duplicates

    (e.g. both contacts on the same visit's participant list: one participant row remains).
    """
    model = cast("type[models.Model]", rel.related_model)  # a model class, never 'self' here
    field_name = rel.field.name
    for row in model._base_manager.filter(**{field_name: remove}):
        if _would_clash(row, field_name, keep):
            row.delete()
            continue
        setattr(row, field_name, keep)
        if hasattr(row, "updated_at"):
            row.save(update_fields=[field_name, "updated_at"])
        else:
            row.save(update_fields=[field_name])


def _move_many_to_many(rel: ManyToManyRel, keep: Contact, remove: Contact) -> None:
    """Re-point links in an auto-created through table, without creating a second link."""
    m2m = cast(models.ManyToManyField, rel.field)
    through = cast(type[models.Model], rel.through)
    owner = m2m.m2m_field_name()  # the model holding the ManyToManyField (e.g. interaction)
    target = m2m.m2m_reverse_field_name()  # the contact side
    already = through._base_manager.filter(**{target: keep}).values(f"{owner}_id")
    removed_links = through._base_manager.filter(**{target: remove})
    removed_links.filter(**{f"{owner}_id__in": already}).delete()
    removed_links.update(**{target: keep})


def contact_merge(
    *,
    keep: Contact,
    remove: Contact,
    values: dict[str, Any],
    by: AbstractBaseUser | AnonymousUser | None,
) -> Contact:
    """Fold ``remove`` into ``keep``: chosen field values, and everything that points at either.

    Relations are discovered from ``Contact._meta`` so that relations added by other apps later
    (visit participants, …) move too. All or nothing.
    """
    if keep.pk == remove.pk:
        raise ValueError("A contact cannot be merged with itself.")
    unknown = set(values) - set(MERGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not mergeable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        # Lock both rows so a concurrent edit or second merge waits for this one.
        locked = Contact.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
        if len(locked) != 2:
            raise Contact.DoesNotExist("One of the contacts no longer exists.")
        for rel in Contact._meta.related_objects:
            if isinstance(rel, ManyToManyRel):
                if rel.through is not None and rel.through._meta.auto_created:
                    _move_many_to_many(rel, keep, remove)
                # A custom through model is moved through its own foreign key, below.
            else:
                _move_foreign_keys(rel, keep, remove)
        for m2m in Contact._meta.many_to_many:
            getattr(keep, m2m.name).add(*getattr(remove, m2m.name).all())
        # A task's link is generic, so it is no relation of Contact's: moved by hand (before the
        # delete below, which would take the removed contact's tasks with it).
        Task.objects.for_record(remove).update(object_id=keep.pk, version=F("version") + 1)

        # Old links to the removed contact lead to the survivor (earlier merges into ``remove``
        # were moved to ``keep`` above, with the other references).
        MergedContact.objects.update_or_create(old_id=remove.pk, defaults={"contact": keep})
        removed_label = f"{remove} (#{remove.pk})"
        note_change(remove, by=by, reason=f"Merged into {keep} (#{keep.pk})")
        remove.delete()

        for name, value in values.items():
            setattr(keep, name, value)
        keep.full_clean()
        note_change(keep, by=by, reason=f"Merged with {removed_label}")
        keep.save()
    return keep
