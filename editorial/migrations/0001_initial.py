"""LinkCheck and BrokenLink move here from hnda_site, keeping their tables (no database change).

hnda_site's 0009_capabilities_moved_out removes them from hnda_site's state and moves their
content types (and so their permissions and admin log entries) to this app.
"""

import django.db.models.deletion
import django.utils.timezone
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
                    name="LinkCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="检查时间"),
                        ),
                        ("links_checked", models.PositiveIntegerField(default=0, verbose_name="检查的链接数")),
                    ],
                    options={
                        "verbose_name": "链接检查",
                        "verbose_name_plural": "链接检查",
                        "db_table": "hnda_site_linkcheck",
                        "ordering": ["-finished_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="BrokenLink",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("source_title", models.CharField(max_length=300, verbose_name="所在页面")),
                        ("source_admin_url", models.CharField(max_length=300, verbose_name="修改地址")),
                        ("href", models.CharField(max_length=2000, verbose_name="链接")),
                        (
                            "check_run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="broken_links",
                                to="editorial.linkcheck",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "失效链接",
                        "verbose_name_plural": "失效链接",
                        "db_table": "hnda_site_brokenlink",
                        "ordering": ["id"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
