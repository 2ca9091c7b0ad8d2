"""Optimistic locking in the Django admin: every admin save moves the version on (so a stale
front-end form is refused), and a stale admin change page is refused too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.editing import edit_form_data
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def _admin_url(partnership) -> str:  # type: ignore[no-untyped-def]
    return reverse("admin:partners_partnership_change", args=[partnership.pk])


def test_an_admin_save_makes_an_open_front_end_form_stale(admin_client, staff_client):
    partnership = PartnershipFactory(summary="Old", notes="")
    front_url = reverse("partners:partnership_update", args=[partnership.pk])
    front = edit_form_data(staff_client.get(front_url).content)

    admin_form = edit_form_data(admin_client.get(_admin_url(partnership)).content)
    response = admin_client.post(_admin_url(partnership), {**admin_form, "summary": "Admin's"})
    assert response.status_code == 302

    response = staff_client.post(front_url, {**front, "summary": "Front end's"})
    assert "data-version-conflict" in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.summary, partnership.version) == ("Admin's", 2)


def test_a_stale_admin_change_page_is_refused(admin_client, staff_client):
    partnership = PartnershipFactory(summary="Old", notes="")
    admin_form = edit_form_data(admin_client.get(_admin_url(partnership)).content)
    front_url = reverse("partners:partnership_update", args=[partnership.pk])
    front = edit_form_data(staff_client.get(front_url).content)
    assert staff_client.post(front_url, {**front, "summary": "Staff's"}).status_code == 302

    response = admin_client.post(_admin_url(partnership), {**admin_form, "notes": "Admin's"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-version-conflict" in page and "now “Staff&#x27;s”" in page  # escaped once
    partnership.refresh_from_db()
    assert (partnership.summary, partnership.notes) == ("Staff's", "")
