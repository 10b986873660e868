import atexit

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class SiteConfig(AppConfig):
    name = "hnda_site"
    verbose_name = "网站设置"

    def ready(self):
        from django.contrib import admin

        from .adminlists import use_safe_change_lists

        # django.contrib.admin comes first in INSTALLED_APPS: every admin is registered by now.
        use_safe_change_lists(admin.site)

        from . import pagecache

        # Every write to a content table invalidates the page cache (hnda_site/pagecache.py).
        connection_created.connect(pagecache.install_write_watch, dispatch_uid="pagecache-write-watch")
        for connection in connections.all(initialized_only=True):
            pagecache.install_write_watch(sender=None, connection=connection)
        request_finished.connect(pagecache.run_deferred_at_request_end, dispatch_uid="pagecache-deferred")
        atexit.register(pagecache.run_deferred)

        # Login security's libraries name their admin sections in English, and not
        # through gettext (locale/ translates the rest of django-axes).
        from django.apps import apps
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import lockout  # noqa: F401  (a code given on the lockout page counts as the second step)

        apps.get_app_config("axes").verbose_name = "登录安全"
        apps.get_app_config("otp_totp").verbose_name = "两步验证"
        TOTPDevice._meta.verbose_name = TOTPDevice._meta.verbose_name_plural = "两步验证设备"

        from . import search

        # A migration that rebuilds a table on SQLite drops the search triggers: put them back.
        post_migrate.connect(search.ensure_indexes, dispatch_uid="hnda_site.search.ensure_indexes")
