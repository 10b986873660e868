"""The staff groups may use attachments and the image library.

编辑 and 文档管理 attach files to what they edit; every group (会员管理 writes member
introductions too) may upload to and choose from the 图片库. Permissions are only added.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]
GROUPS = {
    "编辑": [("attachments", "attachment"), ("imagelibrary", "libraryimage")],
    "文档管理": [("attachments", "attachment"), ("imagelibrary", "libraryimage")],
    "会员管理": [("imagelibrary", "libraryimage")],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model in models:
            for action in ACTIONS:
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0001_initial"),
        ("imagelibrary", "0001_initial"),
        ("audit", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
