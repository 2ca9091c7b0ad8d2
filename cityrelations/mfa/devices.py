"""Enrolment, recovery codes, checking a code and removing a factor.

Codes are always checked against one specific device through django-otp, so its throttling
(an exponential delay after each failure) and TOTP replay protection (a code is accepted once)
apply; the view also reports each failure to django-axes.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from . import policy

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"^\d{6}$")


def totp_new_key() -> str:
    """A fresh TOTP key (hex), the same kind django-otp makes for a device."""
    return random_hex(20)


def totp_setup_device(*, user: Any, key: str) -> TOTPDevice:
    """An unsaved device for the key being set up, to draw its QR code and show its key.

    The key lives in the session of the one who opened the setup page, never in a database row
    shared between sessions: someone who has only the password could otherwise read the key a
    later session shows to the real user and compute their codes once it is confirmed."""
    return TOTPDevice(user=user, name=policy.TOTP_NAME, key=key, confirmed=False)


def totp_key_fingerprint(key: str) -> str:
    """Names the key a setup page showed, so that a page whose key is gone is told apart
    from a wrong code (the key itself never needs to come back from the browser)."""
    return salted_hmac("cityrelations.mfa.totp_setup", key).hexdigest()[:16]


def totp_key_matches(key: str, fingerprint: str) -> bool:
    return constant_time_compare(totp_key_fingerprint(key), fingerprint or "")


def totp_secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps accept it typed in."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (an <img>, so the CSP's style rules never apply)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@transaction.atomic
def totp_confirm(*, user: Any, key: str, code: str) -> TOTPDevice | None:
    """Create the user's TOTP device from the key being set up, if the first code from the app
    is right; None when it is not (or the user has just got an app in another session)."""
    # The user row is the lock: two sessions confirming at once make one device, not two.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if policy.totp_devices(user).exists():
        return None
    code = _normalised(code)
    device = totp_setup_device(user=user, key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not TOTP_CODE.match(code) or not totp.verify(int(code), device.tolerance):
        return None
    device.confirmed = True
    device.last_t = totp.t()  # the confirming code cannot be replayed at the second step
    if getattr(settings, "OTP_TOTP_SYNC", True):
        device.drift = totp.drift
    device.set_last_used_timestamp(commit=False)
    device.save()
    totp_discard_unconfirmed(user=user)
    return device


def totp_discard_unconfirmed(*, user: Any) -> None:
    """Unconfirmed TOTP devices are never used now; earlier versions left some behind."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


@transaction.atomic
def recovery_codes_regenerate(*, user: Any) -> list[str]:
    """Replace every recovery code of the user; the plain codes are returned to show once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=policy.RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class CodeCheck:
    device: Device | None
    throttled: bool = False


def check_code(*, user: Any, code: str) -> CodeCheck:
    """Check a TOTP code (six digits) or a recovery code (anything else) for the user."""
    code = _normalised(code)
    if TOTP_CODE.match(code):
        candidates = list(policy.totp_devices(user))
    else:
        device = policy.recovery_device(user)
        candidates = [device] if device and device.confirmed else []
    throttled = False
    for device in candidates:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck(device=None, throttled=throttled)


def password_or_code_ok(*, user: Any, secret: str) -> bool:
    """The confirmation asked before removing a factor: the password, or a current code."""
    if secret and user.check_password(secret):
        return True
    return bool(secret) and check_code(user=user, code=secret).device is not None


def can_remove(*, user: Any, device: Device) -> bool:
    """A user who must use a second factor keeps at least one TOTP app or passkey."""
    if not policy.must_use_second_factor(user):
        return True
    remaining = policy.totp_devices(user).count() + policy.passkeys(user).count()
    return remaining > 1


@transaction.atomic
def factor_remove(*, user: Any, device: Device) -> None:
    """Remove a TOTP app or passkey; with the last one the recovery codes go too."""
    device.delete()
    if not policy.has_primary_factor(user):
        StaticDevice.objects.filter(user=user).delete()


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()
