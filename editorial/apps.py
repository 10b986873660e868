from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "内容检查"

    def ready(self):
        from django.contrib import admin

        from .adminlists import use_safe_change_lists

        # django.contrib.admin comes first in INSTALLED_APPS: every admin is registered by now.
        use_safe_change_lists(admin.site)
