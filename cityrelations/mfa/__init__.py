"""Second factor for staff accounts (TOTP, passkeys, recovery codes) and session expiry.

Why django-otp (with ``otp_totp``, ``otp_static`` and django-otp-webauthn), not allauth's MFA:
allauth's MFA is a stage of allauth's own login flow and needs ``allauth.account`` to replace
Django's login views, forms and templates; this app keeps ``django.contrib.auth.urls``, its
``registration/`` templates and django-axes on that login. django-otp only adds "this session was
verified with device X" on top of any login (``OTPMiddleware``, ``user.is_verified()``), so the
second step is one more page after the unchanged password form. django-otp-webauthn is its
passkey plugin: it supports Django 5.2, ships its browser code as static ES modules (no inline
script, so the strict CSP holds) and reads its settings from Django's.

How it fits together:

- ``policy``: who must have a second factor and which devices a user has.
- ``devices``: enrolment, recovery codes, code checking and removal (the rules).
- ``middleware``: absolute and idle session expiry, then the gate that sends an unverified
  user to the second step (or to enrolment when a factor is required and missing).
- ``views`` / ``forms`` / ``urls``: the pages under ``/account/two-factor/``.
- ``cookies``: the ``__Host-`` cookie names used with debug off (read by settings.py).
- ``testing``: give a user a TOTP device and compute its current code (tests, the stack test).
"""
