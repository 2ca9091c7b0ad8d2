from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_anonymous_gets_login_page(anonymous_client):
    response = anonymous_client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_roles_exist_with_permissions():
    unit = Group.objects.get(name="Diplomacy unit")
    office = Group.objects.get(name="Mayor's office")
    assert unit.permissions.filter(codename="change_partnership").exists()
    assert office.permissions.filter(codename="view_partnership").exists()
    assert not office.permissions.filter(codename="change_partnership").exists()


def test_dashboard_for_each_role(staff_client, mayor_client):
    for client in (staff_client, mayor_client):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        assert b"Dashboard" in response.content


def test_pages_carry_csp_without_inline_script(staff_client):
    response = staff_client.get(reverse("dashboard"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert b"<script>" not in response.content


def test_login_locks_out_after_repeated_failures(client, staff_user):
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "staff", "password": "demo"})
    assert response.status_code == 429
    assert b"Too many failed" in response.content
