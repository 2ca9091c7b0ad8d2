"""The visit report's follow-ups become tasks (delegations 0006-0007): no text, owner, due date
or completion is lost, and going back brings the follow-ups back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("delegations", "0005_version"), ("partners", "0015_tasks")]
AFTER = [("delegations", "0007_drop_followup")]


def _visit(apps, title: str):
    Visit = apps.get_model("delegations", "Visit")
    return Visit.objects.create(
        title=title,
        direction="incoming",
        level="official",
        start_date=dt.date(2025, 3, 3),
        end_date=dt.date(2025, 3, 4),
    )


@pytest.mark.django_db(transaction=True)
def test_follow_ups_become_tasks_and_back():
    old = migrate_to(BEFORE)
    try:
        User = old.get_model("auth", "User")
        FollowUp = old.get_model("delegations", "FollowUp")
        owner = User.objects.create(username="owner-of-follow-ups")
        warsaw, vienna = _visit(old, "Warsaw"), _visit(old, "Vienna")
        done_at = timezone.now()
        long_text = "Send the tram study " + "x" * 270
        FollowUp.objects.create(
            visit=warsaw, description=long_text, owner=owner, due_on=dt.date(2025, 4, 1)
        )
        FollowUp.objects.create(
            visit=vienna, description="Thank the mayor", done=True, done_at=done_at
        )

        new = migrate_to(AFTER)
        Task = new.get_model("partners", "Task")
        ContentType = new.get_model("contenttypes", "ContentType")
        visit_type = ContentType.objects.get(app_label="delegations", model="visit")
        rows = {
            (t.title, t.owner_id, t.due_on, t.state, t.completed_at, t.content_type_id, t.object_id)
            for t in Task.objects.all()
        }
        assert rows == {
            (long_text, owner.pk, dt.date(2025, 4, 1), "open", None, visit_type.pk, warsaw.pk),
            ("Thank the mayor", None, None, "done", done_at, visit_type.pk, vienna.pk),
        }

        back = migrate_to(BEFORE)
        FollowUp = back.get_model("delegations", "FollowUp")
        assert {(f.description, f.visit_id, f.done) for f in FollowUp.objects.all()} == {
            (long_text, warsaw.pk, False),
            ("Thank the mayor", vienna.pk, True),
        }
        assert not back.get_model("partners", "Task").objects.exists()
    finally:
        migrate_to_latest()
