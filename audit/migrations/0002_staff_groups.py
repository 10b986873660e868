"""Staff groups per role: 编辑 (news), 文档管理 (documents), 会员管理 (members).

Safe to run again: groups are fetched or created and permissions only added. Permissions
are created here first, since Django creates them only after all migrations have run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "编辑": {"news": ["article", "category"]},
    "文档管理": {"association": ["document", "documentversion"]},
    "会员管理": {"members": ["member"]},
}
ACTIONS = ["add", "change", "delete", "view"]
# Every role may read the 操作记录 (it cannot edit it: nobody can).
SHARED = [("audit", "view_changerecord")]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        previous, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models_by_app in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            (app_label, f"{action}_{model}")
            for app_label, models in models_by_app.items()
            for model in models
            for action in ACTIONS
        ] + SHARED
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_change_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0003_edit_history_and_stale_days"),
        ("association", "0003_edit_history"),
        ("members", "0004_member_edit_version"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
