"""The two periodic tasks of the sending protocol, every minute: requeue deliveries a dead
worker left in ``sending`` and start scheduled editions whose time has come."""

from django.db import migrations

SCHEDULES = {
    "Newsletter: requeue stuck deliveries": "newsletters.tasks.requeue_stuck_deliveries",
    "Newsletter: send scheduled editions": "newsletters.tasks.send_scheduled_editions",
}


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    for name, task in SCHEDULES.items():
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every_minute, "enabled": True}
        )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=list(SCHEDULES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0003_consent_text_and_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
