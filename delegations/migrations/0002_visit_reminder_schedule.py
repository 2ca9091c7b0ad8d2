"""The daily beat task (08:00 Budapest) that reminds everyone on a visit a week before it starts."""

from django.db import migrations

REMINDER_TASK = "delegations.tasks.send_visit_reminders"
REMINDER_NAME = "Delegations: remind visit participants a week ahead"


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Budapest",
    )
    PeriodicTask.objects.update_or_create(
        name=REMINDER_NAME, defaults={"task": REMINDER_TASK, "crontab": daily, "enabled": True}
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=REMINDER_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
