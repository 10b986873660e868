from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow"
    verbose_name = "发布审核"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import guard  # noqa: F401 (connects the publishing guard to the content models)

        post_migrate.connect(_ensure_permissions, sender=self, dispatch_uid="workflow_permissions")


def _ensure_permissions(sender, apps=None, **kwargs):
    from django.apps import apps as global_apps

    from .permissions import ensure_permissions_and_groups

    ensure_permissions_and_groups(apps or global_apps)
