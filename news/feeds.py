from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy

from hnda_site.models import SiteSettings

from .models import Article


class LatestArticlesFeed(Feed):
    link = reverse_lazy("news:list")
    description = "湖南省开发区协会 园区快讯"

    def title(self):
        return f"{SiteSettings.load().name} · 园区快讯"

    def items(self):
        return Article.objects.published().defer("body").order_by("-published_at", "-id")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher or None
