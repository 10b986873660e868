from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SiteConfig(AppConfig):
    name = "hnda_site"
    verbose_name = "网站设置"

    def ready(self):
        from . import pagecache

        # Every write to a content table invalidates the page cache (hnda_site/pagecache.py).
        connection_created.connect(pagecache.install_write_watch, dispatch_uid="pagecache-write-watch")
