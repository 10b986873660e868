from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "操作记录"

    def ready(self):
        from . import accounts, signals  # noqa: F401  (signals connects the history receiver)

        accounts.connect()
