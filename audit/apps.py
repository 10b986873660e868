from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "操作记录"

    def ready(self):
        from . import signals  # noqa: F401  (connects the history receiver)
