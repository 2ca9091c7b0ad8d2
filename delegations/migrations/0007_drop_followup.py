"""The follow-ups are tasks now (0006 copied them): drop their table and its history."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('delegations', '0006_followups_to_tasks'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalfollowup',
            name='history_user',
        ),
        migrations.RemoveField(
            model_name='historicalfollowup',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='historicalfollowup',
            name='visit',
        ),
        migrations.DeleteModel(
            name='FollowUp',
        ),
        migrations.DeleteModel(
            name='HistoricalFollowUp',
        ),
    ]
