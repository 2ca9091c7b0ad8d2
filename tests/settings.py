"""Settings for the test suite: the project's settings in debug (embedded) mode.

Debug is off unless asked for, and with debug off the settings refuse to load without a secret
key. The suite asks for debug before importing them (a value already in the environment wins,
to run the suite against the production profile). pytest-django still runs each test with
``DEBUG = False``; tests that need debug (the mailbox) turn it on themselves.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# Staff email is Hungarian by default (the unit's language); most assertions read the English
# text, and the tests about staff email in Hungarian set STAFF_LANGUAGE themselves.
os.environ.setdefault("STAFF_LANGUAGE", "en")

from cityrelations.settings import *  # noqa: F403
