"""Second factor for tests: give a user a TOTP device and compute the code an app would show.

In a test that shares the database with the app (pytest-django, or the stack test pointing its
Django settings at the stack's PostgreSQL)::

    from cityrelations.mfa.testing import give_totp_device, totp_code

    device = give_totp_device(user)          # confirmed, ready for the second step
    page.get_by_label("Code").fill(totp_code(device))

From outside the app's process, keep the key and compute codes without the database::

    key = give_totp_device(user).key        # hex, or pass your own: give_totp_device(user, key=...)
    totp_code_for_key(key)                   # the same six digits the app expects now

A code is accepted once (replay protection), so ``totp_code`` returns the code of the next
time step when the current one has already been used; ``totp_code_for_key`` takes ``step``
for the same purpose (``step=1`` is the next 30-second window, still accepted).

Through the setup page (the key is only in the session until confirmed, no device row yet)::

    page = client.get(reverse("mfa:totp_setup")).context
    code = totp_code_for_secret(page["secret"])
    client.post(reverse("mfa:totp_setup"), {"code": code, "key_id": page["key_id"]})
"""

from __future__ import annotations

import base64
import time
from binascii import hexlify, unhexlify
from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy


def give_totp_device(user: Any, *, key: str | None = None) -> TOTPDevice:
    """A confirmed TOTP device for the user (the one they have, or a new one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        extra = {"key": key} if key else {}
        device = TOTPDevice.objects.create(
            user=user, name=policy.TOTP_NAME, confirmed=True, **extra
        )
    return device


def totp_code_for_key(key: str, *, step: int = 0, digits: int = 6) -> str:
    """The code for a hex key (TOTPDevice.key) at the current 30-second window plus ``step``."""
    value = totp(unhexlify(key.encode()), step=30, t0=0, digits=digits, drift=step)
    return str(value).zfill(digits)


def totp_code_for_secret(secret: str, *, step: int = 0) -> str:
    """The code for the key as the setup page shows it (base32 in groups of four), as an app
    that scanned or was typed that key would show it."""
    plain = secret.replace(" ", "").upper()
    key = base64.b32decode(plain + "=" * (-len(plain) % 8))
    return totp_code_for_key(hexlify(key).decode(), step=step)


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current window's, or a later one (within the
    device's tolerance) when the current one was already used."""
    device.refresh_from_db()
    window = int((time.time() - device.t0) // device.step)
    target = max(window + device.drift, device.last_t + 1)
    return totp_code_for_key(device.key, step=target - window, digits=device.digits)


def login_verified(client: Any, user: Any) -> TOTPDevice:
    """Log a Django test client in as the user, past the second step (with a TOTP device)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    device = give_totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[policy.HAS_DEVICE_SESSION_KEY] = True
    session.save()
    return device
