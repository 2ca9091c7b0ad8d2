"""The upload form of the staff import pages."""

from __future__ import annotations

from typing import Any, cast

import tablib
from django import forms
from django.utils.translation import gettext_lazy as _

from ..importing import (
    KIND_LABELS,
    KIND_PERMISSIONS,
    MAX_BYTES,
    ImportFileError,
    file_format,
    read_dataset,
)


def allowed_kinds(user: Any) -> list[str]:
    return [kind for kind, perm in KIND_PERMISSIONS.items() if user.has_perm(perm)]


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, comma or semicolon separated) or XLSX, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    clear_empty = forms.BooleanField(
        label=_("Empty cells clear values"),
        required=False,
        help_text=_(
            "When a row updates an existing record, an empty cell normally leaves that value as "
            "it is. Tick this to clear the value instead. Yes/no columns and required columns "
            "are never changed by an empty cell."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [(k, KIND_LABELS[k]) for k in allowed_kinds(user)]
        self.dataset: tablib.Dataset | None = None
        self.data_bytes = b""
        self.fmt = ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if not upload or not kind:
            return cleaned
        try:
            self.fmt = file_format(upload.name)
            if upload.size > MAX_BYTES:
                raise ImportFileError(
                    _("The file is larger than 2 MB: split it into several files.")
                )
            self.data_bytes = upload.read(MAX_BYTES + 1)
            self.dataset = read_dataset(data=self.data_bytes, fmt=self.fmt, kind=kind)
        except ImportFileError as exc:
            self.add_error("file", str(exc))
        return cleaned
