"""PendingImport moves here from hnda_site, keeping its table (no database change)."""

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
                    name="PendingImport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("name", models.CharField(max_length=32, unique=True)),
                        ("data", models.BinaryField()),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "verbose_name": "待确认的导入文件",
                        "verbose_name_plural": "待确认的导入文件",
                        "db_table": "hnda_site_pendingimport",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
