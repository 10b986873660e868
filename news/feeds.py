from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from hnda_site.models import SiteSettings
from seo.structured_data import absolute_url

from .models import Article, Category

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """The newest articles of every 栏目 (/news/feed/, /en/news/feed/).

    Readers take RSS titles and descriptions as HTML, so every text goes in escaped (the XML
    writer then escapes it for XML): a 摘要 reading ``<img …>`` or ``R&D`` shows as typed.
    Every address starts from settings.SITE_URL, never from the request's Host header.
    """

    def title(self):
        return escape(_("%(site)s · 新闻中心") % {"site": SiteSettings.current().local_name})

    def link(self):
        return absolute_url(reverse("news:list"))

    def feed_url(self):
        return absolute_url(reverse("news:feed"))

    def description(self):
        return escape(_("%(site)s各栏目的最新文章") % {"site": SiteSettings.current().local_name})

    def items(self):
        return self.articles()[:FEED_LENGTH]

    def articles(self):
        return Article.objects.published().in_page_language().defer("body", "body_en").order_by("-published_at", "-id")

    def item_title(self, item):
        return escape(item.local_title)

    def item_description(self, item):
        return escape(item.local_summary)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

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
        return escape(f"{SiteSettings.current().local_name} · {category.local_name}")

    def link(self, category):
        return absolute_url(category.get_absolute_url())

    def feed_url(self, category):
        return absolute_url(category.get_feed_url())

    def description(self, category):
        site = SiteSettings.current().local_name
        return escape(_("%(site)s「%(category)s」栏目的最新文章") % {"site": site, "category": category.local_name})

    def items(self, category):
        return self.articles().filter(category=category)[:FEED_LENGTH]
