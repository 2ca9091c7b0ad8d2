"""``/healthz``: what compose's health check and a load balancer read. It answers 503 naming the
part that failed, so ``depends_on: service_healthy`` waits for a reachable broker too."""

from __future__ import annotations

import json
import os

import pytest

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def test_database_and_broker_ok(client, settings):
    settings.REDIS_URL = REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_is_unhealthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"] == "error: ConnectionError"


def test_embedded_mode_has_no_broker_to_check(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "not configured (tasks run in-process)"


def test_probes_by_address_are_answered_whatever_the_allowed_hosts(client, settings):
    """Compose's health check calls http://127.0.0.1:8000/healthz; a deployment allows only its
    public name. The probe is answered; any other page for that Host is still refused."""
    settings.ALLOWED_HOSTS = ["relations.city.example"]
    settings.REDIS_URL = REDIS_URL
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 400
