"""The hub-panel registry: order, permission, and a rendered panel's context."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from cityrelations.core import panels
from cityrelations.core.panels import Panel, panels_for, register

from ..factories import UserFactory


@pytest.fixture
def hub(monkeypatch):
    monkeypatch.setattr(panels, "_registry", {})
    return "test-hub"


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.django_db
def test_panels_come_in_order_and_only_with_their_permission(hub):
    def context(request, record):
        return {"greeting": f"hello {record}"}

    register(hub, Panel(key="b", title="B", template="cityrelations/_tab.html", context=context))
    register(
        hub,
        Panel(key="a", title="A", template="cityrelations/_tab.html", context=context, order=10),
    )
    register(
        hub,
        Panel(
            key="secret",
            title="S",
            template="cityrelations/_tab.html",
            context=context,
            permission="partners.delete_city",
        ),
    )
    user = UserFactory()

    shown = panels_for(hub, _request(user), "Vienna")

    assert [p.key for p in shown] == ["a", "b"]
    assert shown[0].context["greeting"] == "hello Vienna"
    assert shown[0].context["record"] == "Vienna"


def test_registering_a_key_again_replaces_the_panel(hub):
    register(hub, Panel(key="a", title="First", template="x.html", context=dict))
    register(hub, Panel(key="a", title="Second", template="x.html", context=dict))
    assert [p.title for p in panels.registered(hub)] == ["Second"]
