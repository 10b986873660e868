from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "园区快讯"

    def ready(self):
        from pagecache import cache as pagecache

        from .models import Article

        # A scheduled article appears at its 发布时间: the page cache moves on then, no cron.
        pagecache.register_schedule(lambda: Article.objects.next_publication())
