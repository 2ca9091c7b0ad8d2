"""The emails a staff account receives from the project itself: today, the password reset.

Django's ``PasswordResetForm`` still renders and sends it, from its own templates, but in a task
(``cityrelations.tasks.send_password_reset_email``) that ``accounts.QueuedPasswordResetForm``
enqueues on commit. The task carries the user's id and the address asked for, never the link:
the token is made here, so no live reset link waits in the broker.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cityrelations.core.languages import user_language


def password_reset_email_send(
    *,
    user_id: int,
    email: str,
    domain: str,
    site_name: str,
    protocol: str,
    subject_template_name: str,
    email_template_name: str,
    html_email_template_name: str | None = None,
    from_email: str | None = None,
) -> bool:
    """Send ``user_id`` the reset link if Django would still send it to ``email`` (the user is
    active, has a usable password and that address); in the user's language. True if sent
    (Django's form logs a failed send instead of raising)."""
    form = PasswordResetForm()
    user = next((u for u in form.get_users(email) if u.pk == user_id), None)
    if user is None:
        return False
    user_model = get_user_model()
    context = {
        "email": getattr(user, user_model.get_email_field_name()),
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(user_model._meta.pk.value_to_string(user))),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(user_language(user)):
        form.send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            context["email"],
            html_email_template_name=html_email_template_name,
        )
    return True
