from django.apps import AppConfig


class MemberAreaConfig(AppConfig):
    name = "memberarea"
    verbose_name = "会员专区"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
