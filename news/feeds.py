from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from hnda_site.models import SiteSettings

from .models import Article, Category

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    link = reverse_lazy("news:list")

    def title(self):
        return _("%(site)s · 新闻中心") % {"site": SiteSettings.current().local_name}

    def description(self):
        return _("%(site)s各栏目的最新文章") % {"site": SiteSettings.current().local_name}

    def items(self):
        return self.articles()[:FEED_LENGTH]

    def articles(self):
        return Article.objects.published().in_page_language().defer("body", "body_en").order_by("-published_at", "-id")

    def item_title(self, item):
        return item.local_title

    def item_description(self, item):
        return item.local_summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.publisher or None


class CategoryFeed(LatestArticlesFeed):
    """The newest articles of one 栏目 (/news/<slug>/feed/)."""

    def get_object(self, request, slug):
        return get_object_or_404(Category, slug=slug)

    def title(self, category):
        return f"{SiteSettings.current().local_name} · {category.local_name}"

    def link(self, category):
        return category.get_absolute_url()

    def description(self, category):
        site = SiteSettings.current().local_name
        return _("%(site)s「%(category)s」栏目的最新文章") % {"site": site, "category": category.local_name}

    def items(self, category):
        return self.articles().filter(category=category)[:FEED_LENGTH]
