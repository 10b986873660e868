from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflow"
    verbose_name = "发布审核"

    def ready(self):
        from . import guard  # noqa: F401 (connects the publishing guard to the content models)
