import atexit

from django.apps import AppConfig
from django.core.signals import request_finished
from django.db import connections
from django.db.backends.signals import connection_created


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
        atexit.register(pagecache.run_deferred)
