"""Form fields the apps' forms and filters share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def user_label(user: Any) -> str:
    """A user as people name them: the full name, or the username when there is none."""
    return user.get_full_name() or user.get_username()


class StaffUserChoiceField(forms.ModelChoiceField):
    """A staff user (a coordinator, an owner, a participant from our side), shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        return user_label(obj)


HONEYPOT_FIELD = "website"


class HoneypotForm(forms.Form):
    """A public form with a field people leave empty and bots fill in.

    Render it with ``{% include "cityrelations/_honeypot.html" %}`` (hidden from view and from
    screen readers); a view that finds it filled answers as if all went well and stores nothing.
    """

    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())

    def visible_fields_without_honeypot(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name != HONEYPOT_FIELD]
