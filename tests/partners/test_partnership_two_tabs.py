"""The scenario of issue 10, item 14: a partnership's edit form open in two tabs; a new summary
saved in one, then the other saved. The second save used to overwrite the first silently."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.editing import edit_form_data
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_second_tab_is_refused_and_can_reapply_its_summary(staff_client, staff_user):
    partnership = PartnershipFactory(summary="Twinned since 1990.")
    url = reverse("partners:partnership_update", args=[partnership.pk])
    tab_one = edit_form_data(staff_client.get(url).content)
    tab_two = edit_form_data(staff_client.get(url).content)

    first = staff_client.post(url, {**tab_one, "summary": "Tram know-how exchange."})
    assert first.status_code == 302

    second = staff_client.post(url, {**tab_two, "summary": "Culture season in 2026."})

    assert second.status_code == 200
    page = second.content.decode()
    who = staff_user.get_full_name()
    assert (
        f"Summary: was “Twinned since 1990.”, now “Tram know-how exchange.”, changed by {who} at"
        in page
    )
    partnership.refresh_from_db()
    assert partnership.summary == "Tram know-how exchange."  # the first change is not lost
    again = edit_form_data(page)
    assert again["summary"] == "Culture season in 2026."  # the second tab's input is kept

    assert staff_client.post(url, again).status_code == 302  # saving again applies it
    partnership.refresh_from_db()
    assert partnership.summary == "Culture season in 2026."
    history = staff_client.get(partnership.get_absolute_url()).context["history"]
    summaries = [c["new"] for row in history for c in row["changes"] if c["field"] == "summary"]
    assert summaries == ["Culture season in 2026.", "Tram know-how exchange."]
