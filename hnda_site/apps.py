from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SiteConfig(AppConfig):
    name = "hnda_site"
    verbose_name = "网站设置"

    def ready(self):
        from . import search

        # A migration that rebuilds a table on SQLite drops the search triggers: put them back.
        post_migrate.connect(search.ensure_indexes, dispatch_uid="hnda_site.search.ensure_indexes")
