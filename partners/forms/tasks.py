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
    owner = StaffUserChoiceField(label=_("Owner"), queryset=staff_users())

    class Meta:
        model = Task
        fields = ["title", "owner", "due_on", "notes", "state"]
        widgets = {"due_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            del self.fields["state"]  # a new task is open
        # An owner who has since left the unit stays choosable on their own tasks.
        if owner_id := self.instance.owner_id:
            _keep_owner_choosable(self.fields["owner"], owner_id)


def _keep_owner_choosable(field: Any, owner_id: int) -> None:
    """Staff users, and the task's current owner even if they are no longer one."""
    field.queryset = (
        get_user_model()
        .objects.filter(Q(pk__in=staff_users().values("pk")) | Q(pk=owner_id))
        .order_by(*BY_NAME)
    )


class FollowUpTaskFields(forms.Form):
    """Mix into the form of a record with a ``follow_up`` text (before the ModelForm): an owner
    and a due date beside it make the follow-up a task (``follow_up_task``) in the owner's list."""

    follow_up_owner = StaffUserChoiceField(
        label=_("Follow-up owner"), queryset=staff_users(), required=False
    )
    follow_up_due_on = forms.DateField(
        label=_("Follow-up due on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Give a due date to make the follow-up a task (yours unless you name an owner)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Editing: the follow-up that is already a task shows its owner and due date, and saving
        # updates that task (``follow_up_existing``) instead of adding a second one.
        instance = getattr(self, "instance", None)
        self.follow_up_existing: Task | None = None
        if instance is not None and instance.pk is not None:
            self.follow_up_existing = (
                Task.objects.for_record(instance).open().order_by("pk").first()
            )
        if (task := self.follow_up_existing) is not None:
            self.initial.setdefault("follow_up_owner", task.owner_id)
            self.initial.setdefault("follow_up_due_on", task.due_on)
            if task.owner_id:
                _keep_owner_choosable(self.fields["follow_up_owner"], task.owner_id)
        names = [n for n in self.fields if n not in ("follow_up_owner", "follow_up_due_on")]
        at = names.index("follow_up") + 1 if "follow_up" in names else len(names)
        self.order_fields([*names[:at], "follow_up_owner", "follow_up_due_on", *names[at:]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_task = cleaned.get("follow_up_due_on") or cleaned.get("follow_up_owner")
        if wants_task and not (cleaned.get("follow_up") or "").strip():
            self.add_error("follow_up", _("Write the follow-up to make it a task."))
        return cleaned

    @property
    def follow_up_task(self) -> dict[str, Any] | None:
        """What the task is to be (title, notes, owner, due date), or None when none is asked."""
        data = self.cleaned_data
        if not (data.get("follow_up_due_on") or data.get("follow_up_owner")):
            return None
        text = data.get("follow_up") or ""
        return {
            "text": text,
            "owner": data.get("follow_up_owner"),
            "due_on": data.get("follow_up_due_on"),
        }
