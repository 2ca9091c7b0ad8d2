"""The first consent text (English and Hungarian) and the two periodic tasks of the newsletter:
assemble last month's edition on the 1st at 06:00 (Budapest) and purge unconfirmed subscriptions
daily."""

from django.db import migrations

CONSENT_VERSION = "2026-01"
CONSENT_EN = (
    "I agree that the City Diplomacy Unit stores my email address, name, language and chosen "
    "topics to send me its monthly newsletter about the city's international relations. I can "
    "change my preferences, download my data or unsubscribe at any time with the link at the "
    "bottom of every newsletter; my data is then erased."
)
CONSENT_HU = (
    "Hozzájárulok, hogy a Városdiplomáciai Iroda tárolja az e-mail-címemet, a nevemet, a nyelvemet "
    "és a választott témáimat, hogy elküldje nekem a város nemzetközi kapcsolatairól szóló havi "
    "hírlevelét. A beállításaimat bármikor módosíthatom, az adataimat letölthetem, vagy "
    "leiratkozhatom a hírlevelek alján található hivatkozással; ekkor az adataimat töröljük."
)
ASSEMBLE_TASK = "newsletters.tasks.assemble_edition"
PURGE_TASK = "newsletters.tasks.purge_unconfirmed_subscribers"
ASSEMBLE_NAME = "Newsletter: assemble last month's edition"
PURGE_NAME = "Newsletter: purge unconfirmed subscriptions"


def forwards(apps, schema_editor):
    ConsentText = apps.get_model("newsletters", "ConsentText")
    ConsentText.objects.get_or_create(
        version=CONSENT_VERSION, defaults={"text_en": CONSENT_EN, "text_hu": CONSENT_HU}
    )

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="6",
        day_of_month="1",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Budapest",
    )
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="3",
        day_of_month="*",
        month_of_year="*",
        day_of_week="*",
        timezone="Europe/Budapest",
    )
    PeriodicTask.objects.update_or_create(
        name=ASSEMBLE_NAME, defaults={"task": ASSEMBLE_TASK, "crontab": monthly, "enabled": True}
    )
    PeriodicTask.objects.update_or_create(
        name=PURGE_NAME, defaults={"task": PURGE_TASK, "crontab": daily, "enabled": True}
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[ASSEMBLE_NAME, PURGE_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0002_edition_item_included"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
