"""The 会员管理 group runs the 会员专区: contacts, 会籍, members-only posts, notices, proposals."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["membercontact", "membership", "membersection", "memberpost", "membernotice", "changerequest"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("memberarea")
    previous, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="会员管理")
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS] + ["view_postread"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="memberarea", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("memberarea", "0001_initial"), ("audit", "0002_staff_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
