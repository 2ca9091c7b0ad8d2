from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="editionitem",
            name="included",
            field=models.BooleanField(default=True, verbose_name="included"),
        ),
        migrations.AlterModelOptions(
            name="editionitem",
            options={
                "default_manager_name": "objects",
                "ordering": ["order", "pk"],
                "verbose_name": "edition item",
                "verbose_name_plural": "edition items",
            },
        ),
    ]
