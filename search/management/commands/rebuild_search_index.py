from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from search import fulltext as search


class Command(BaseCommand):
    help = "Recompute the search tokens of every article, document version and member, and rebuild the index."

    def handle(self, *args, **options):
        for model in search.searchable_models():
            count = 0
            rows = model._base_manager.all()
            if any(field.name == "document" for field in model._meta.fields):
                rows = rows.select_related("document")
            with transaction.atomic():
                for row in rows.iterator(chunk_size=200):
                    row.refresh_search_tokens()
                    # The plain QuerySet.update: published document versions refuse changes to their
                    # content, and the tokens are not content.
                    models.QuerySet.update(model._base_manager.filter(pk=row.pk), search_tokens=row.search_tokens)
                    count += 1
                search.rebuild_index(connection, model._meta.db_table)
            self.stdout.write(f"{model._meta.verbose_name}：{count} 条已重建索引。")
