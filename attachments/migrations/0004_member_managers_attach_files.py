"""会员管理 attach files to the 会员专区's posts (as 编辑 do to articles). Permissions are only added."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("attachments")
    previous, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="会员管理")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="attachments", codename__in=[f"{action}_attachment" for action in ACTIONS]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("attachments", "0003_member_post_files"), ("memberarea", "0002_member_managers_run_the_area")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
