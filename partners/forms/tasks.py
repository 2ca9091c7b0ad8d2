"""The task form: what, who, by when (and, when editing, its state)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import StaffUserChoiceField
from cityrelations.core.roles import BY_NAME, staff_users
from cityrelations.core.widgets import DateInput

from ..models import Task


class TaskForm(VersionedFormMixin, forms.ModelForm):
    owner = StaffUserChoiceField(label=_("Owner"), queryset=staff_users(), required=False)

    class Meta:
        model = Task
        fields = ["title", "owner", "due_on", "notes", "state"]
        widgets = {"due_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            del self.fields["state"]  # a new task is open
        # An owner who has since left the unit stays choosable on their own tasks.
        owner_id = self.instance.owner_id
        if owner_id:
            self.fields["owner"].queryset = (
                get_user_model()
                .objects.filter(Q(pk__in=staff_users().values("pk")) | Q(pk=owner_id))
                .order_by(*BY_NAME)
            )
