from django.apps import AppConfig


class WebFormsConfig(AppConfig):
    name = "webforms"
    verbose_name = "表单与留言"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
