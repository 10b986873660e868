from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "站内搜索"

    def ready(self):
        from . import fulltext

        # A migration that rebuilds a table on SQLite drops the search triggers: put them back.
        post_migrate.connect(fulltext.ensure_indexes, dispatch_uid="search.fulltext.ensure_indexes")
        # Statistics for what the migrations created.
        post_migrate.connect(fulltext.statistics_after_migrate, dispatch_uid="search.fulltext.statistics")
