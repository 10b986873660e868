import atexit

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "页面缓存"

    def ready(self):
        from . import cache as pagecache

        # Every write to a content table invalidates the page cache (pagecache/cache.py).
        connection_created.connect(pagecache.install_write_watch, dispatch_uid="pagecache-write-watch")
        for connection in connections.all(initialized_only=True):
            pagecache.install_write_watch(sender=None, connection=connection)
        request_finished.connect(pagecache.run_deferred_at_request_end, dispatch_uid="pagecache-deferred")
        pre_migrate.connect(pagecache.migration_started, dispatch_uid="pagecache-migration-started")
        post_migrate.connect(pagecache.migration_finished, dispatch_uid="pagecache-migration-finished")
        atexit.register(pagecache.run_deferred)
