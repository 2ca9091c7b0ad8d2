"""Shared fixtures: a client per persona, isolated cache and media, eager Celery by default.

Tests marked ``celery`` start a real worker on Redis and turn eager mode off themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from cityrelations.celery import app as celery_app
from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE
from cityrelations.mfa.testing import login_verified

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, request):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # locmem caches are shared by name across tests: rate-limit counters must start at zero.
    cache.clear()
    # Real hashing costs about a second per user on a busy machine; tests need no such security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILBOX_DIR = tmp_path / "mail"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if "celery" not in request.keywords:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_eager_propagates = True
    yield


def _user_in(group_name: str, username: str):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def staff_user(db):
    return _user_in(DIPLOMACY_UNIT, "staff")


@pytest.fixture
def mayor_user(db):
    return _user_in(MAYORS_OFFICE, "mayor")


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def mayor_client(mayor_user) -> Client:
    client = Client()
    client.force_login(mayor_user)
    return client


@pytest.fixture
def admin_client(db, admin_user) -> Client:
    """pytest-django's admin client, past the second step (superusers always need one)."""
    client = Client()
    login_verified(client, admin_user)
    return client


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


# One headless Chromium for the whole run (Debian's, driven by playwright's sync API). Browser
# tests (tests/e2e) and the production stack tests (tests/stack) share it: a second
# sync_playwright() in the same run fails ("Sync API inside the asyncio loop").
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXPECT_TIMEOUT_MS = 20_000  # the default 5 s is tight on a busy CI machine


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
