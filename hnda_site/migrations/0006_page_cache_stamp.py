from django.db import migrations, models


def create_stamp(apps, schema_editor):
    apps.get_model("hnda_site", "PageCacheStamp").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ('hnda_site', '0005_history_fields'),
    ]

    operations = [
        migrations.CreateModel(
            name="PageCacheStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("generation", models.BigIntegerField(default=0)),
                ("next_change_us", models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "页面缓存版本",
                "verbose_name_plural": "页面缓存版本",
            },
        ),
        migrations.RunPython(create_stamp, migrations.RunPython.noop),
    ]
