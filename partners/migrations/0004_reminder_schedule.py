"""The daily reminder digest at 07:00 Budapest time, editable in the admin (Periodic tasks)."""

from django.db import migrations

TASK = "partners.tasks.send_reminder_digests"
NAME = "Partners: daily reminder digest to coordinators"


def forwards(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_month="*", month_of_year="*", day_of_week="*",
        timezone="Europe/Budapest",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "enabled": True,
            "description": "Emails each coordinator their agreements to renew and membership "
            "fees and reports due. Nothing is sent to a coordinator with nothing due.",
        },
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_search_indexes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
