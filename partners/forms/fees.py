"""Recording and voiding membership fee payments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityrelations.core.widgets import DateInput

from ..models import FeePayment


class FeePaymentForm(forms.ModelForm):
    """Step one shows this form; step two shows the same values, hidden, to confirm.

    ``expected_due_on`` carries the due date the user saw, so that a payment confirmed twice
    (or recorded meanwhile by a colleague) is refused instead of moving the date two years.
    """

    expected_due_on = forms.DateField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = FeePayment
        fields = ["paid_on", "amount", "currency", "reference"]
        widgets = {"paid_on": DateInput()}

    def clean_paid_on(self) -> Any:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on


class FeePaymentVoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this payment voided?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. recorded twice, or the transfer was returned"),
    )
