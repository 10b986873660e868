"""Who handles what: 会员管理 the 入会申请, 编辑 the 留言 and the 报名 of notices."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "会员管理": ["view_membershipapplication", "change_membershipapplication"],
    "编辑": [
        "view_enquiry", "change_enquiry",
        "add_registrationform", "change_registrationform", "delete_registrationform", "view_registrationform",
        "view_registration", "delete_registration",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("webforms")
    previous, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="webforms", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("webforms", "0001_initial"), ("audit", "0002_staff_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
