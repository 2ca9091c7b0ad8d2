"""Forms of the post-visit report: outcomes and publication (its follow-ups are tasks)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cityrelations.core.concurrency import VersionedFormMixin

from ..models import Visit


class ReportForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["outcomes"]
        widgets = {"outcomes": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "outcomes": _(
                "What came out of the visit: agreements reached, contacts made, next steps. "
                "Internal."
            )
        }


class PublishForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["is_public", "public_summary"]
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 5})}
        labels = {"is_public": _("Report this visit in the public newsletter")}
        help_texts = {
            "public_summary": _(
                "Plain language for citizens: who came or went, why, and what came of it. "
                "Published as written."
            )
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_public") and not (data.get("public_summary") or "").strip():
            self.add_error(
                "public_summary", _("Write a public summary before making the visit public.")
            )
        return data
