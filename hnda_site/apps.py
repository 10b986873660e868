from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "hnda_site"
    verbose_name = "网站设置"

    def ready(self):
        from django.contrib import admin

        from .adminlists import use_safe_change_lists

        # django.contrib.admin comes first in INSTALLED_APPS: every admin is registered by now.
        use_safe_change_lists(admin.site)
