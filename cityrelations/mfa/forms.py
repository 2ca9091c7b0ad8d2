from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        help_text=_(
            "The six-digit code from your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ConfirmWithSecretForm(forms.Form):
    secret = forms.CharField(
        label=_("Your password or a current code"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
