"""Form fields the apps' forms and filters share."""

from __future__ import annotations

from typing import Any

from django import forms


def user_label(user: Any) -> str:
    """A user as people name them: the full name, or the username when there is none."""
    return user.get_full_name() or user.get_username()


class StaffUserChoiceField(forms.ModelChoiceField):
    """A staff user (a coordinator, an owner, a participant from our side), shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)
