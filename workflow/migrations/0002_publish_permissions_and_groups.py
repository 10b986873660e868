"""The publish permissions and the reviewers' groups (workflow.permissions)."""

from django.db import migrations

from workflow.permissions import ensure_permissions_and_groups


def create(apps, schema_editor):
    ensure_permissions_and_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("audit", "0002_staff_groups"),
        ("news", "0007_english_edition"),
        ("association", "0007_english_edition"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
