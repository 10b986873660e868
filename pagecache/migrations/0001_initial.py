"""PageCacheStamp moves here from hnda_site, keeping its table and its row (no database change)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("hnda_site", "0008_english_edition"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PageCacheStamp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("generation", models.BigIntegerField(default=0)),
                        ("next_change_us", models.BigIntegerField(blank=True, null=True)),
                    ],
                    options={
                        "verbose_name": "页面缓存版本",
                        "verbose_name_plural": "页面缓存版本",
                        "db_table": "hnda_site_pagecachestamp",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
