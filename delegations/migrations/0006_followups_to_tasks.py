"""The post-visit report's follow-ups become tasks linked to their visit (partners.Task).

Every follow-up keeps its text (as the task's title), owner, due date and whether it was done
(and when). Reversible: going back copies the visits' tasks into follow-ups again.
"""

from django.db import migrations

BATCH = 1000


def _visit_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="delegations", model="visit")[0]


def followups_to_tasks(apps, schema_editor):
    FollowUp = apps.get_model("delegations", "FollowUp")
    Task = apps.get_model("partners", "Task")
    visit_type = _visit_type(apps)
    tasks = [
        Task(
            title=f.description,
            owner_id=f.owner_id,
            due_on=f.due_on,
            state="done" if f.done else "open",
            completed_at=f.done_at if f.done else None,
            content_type_id=visit_type.pk,
            object_id=f.visit_id,
        )
        for f in FollowUp.objects.order_by("pk").iterator()
    ]
    Task.objects.bulk_create(tasks, batch_size=BATCH)


def tasks_to_followups(apps, schema_editor):
    FollowUp = apps.get_model("delegations", "FollowUp")
    Task = apps.get_model("partners", "Task")
    Visit = apps.get_model("delegations", "Visit")
    visit_type = _visit_type(apps)
    tasks = Task.objects.filter(content_type=visit_type).order_by("pk")
    visits = set(Visit.objects.values_list("pk", flat=True))
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                visit_id=t.object_id,
                description=t.title[:300],
                owner_id=t.owner_id,
                due_on=t.due_on,
                done=t.state == "done",
                done_at=t.completed_at,
            )
            for t in tasks.iterator()
            if t.object_id in visits
        ],
        batch_size=BATCH,
    )
    tasks.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("delegations", "0005_version"),
        ("partners", "0015_tasks"),
    ]

    operations = [migrations.RunPython(followups_to_tasks, tasks_to_followups)]
