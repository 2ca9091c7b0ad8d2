"""The emails a staff account receives from the project itself: today, the password reset.

It is built like every other email, by ``core.mail.make_message`` from the
``emails/accounts/password_reset`` triple (Django's wording, in the user's language), and sent by
a task (``cityrelations.tasks.send_password_reset_email``) that ``accounts.QueuedPasswordResetForm``
enqueues on commit. The task carries the user's id and the address asked for, never the link:
the token is made here, so no live reset link waits in the broker.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cityrelations.core.languages import user_language
from cityrelations.core.mail import make_message

logger = logging.getLogger(__name__)


def password_reset_email_send(
    *,
    user_id: int,
    email: str,
    domain: str,
    site_name: str,
    protocol: str,
    from_email: str | None = None,
) -> bool:
    """Send ``user_id`` the reset link if Django would still send it to ``email`` (the user is
    active, has a usable password and that address); in the user's language. The link is
    ``protocol://domain/…`` as the reset page was asked for. True if sent; like Django's form,
    a failed send is logged, not raised."""
    user = next((u for u in PasswordResetForm().get_users(email) if u.pk == user_id), None)
    if user is None:
        return False
    user_model = get_user_model()
    uid = urlsafe_base64_encode(force_bytes(user_model._meta.pk.value_to_string(user)))
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    address = getattr(user, user_model.get_email_field_name())
    message = make_message(
        "accounts/password_reset",
        to=[address],
        context={"user": user, "site_name": site_name, "reset_url": f"{protocol}://{domain}{path}"},
        language=user_language(user),
        from_email=from_email,
    )
    try:
        message.send()
    except Exception:
        logger.exception("Failed to send password reset email to %s", user.pk)
        return False
    return True
