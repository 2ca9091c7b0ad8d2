"""Builders for the field declarations every app repeats.

Each returns exactly the field the models declared by hand before, so migrations see no change;
a field built here still takes its place in the model where it is written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import _StrOrPromise as StrOrPromise

M = TypeVar("M", bound=models.Model)


def optional_link(
    to: type[M], verbose_name: StrOrPromise, *, related_name: str = "+"
) -> models.ForeignKey[M | None, M | None]:
    """A link that may be empty and forgets its target when that is deleted."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


def staff_link(
    verbose_name: StrOrPromise, *, related_name: str = "+"
) -> models.ForeignKey[User | None, User | None]:
    """An optional link to a staff user: an owner, a coordinator, who recorded something."""
    field: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )
    return field


def amount_field(
    verbose_name: StrOrPromise, *, max_digits: int
) -> models.DecimalField[Decimal | None, Decimal | None]:
    """An optional amount of money, never negative (the currency is a field of its own)."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
