from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse


class SiteSitemap(Sitemap):
    """A sitemap whose addresses start from settings.SITE_URL, never from the request's Host header.

    Every page in each language it exists in, with the other language as its alternate (and
    x-default, the Chinese page). An item with ``english`` False (annotated by ``items()``)
    has no English page.
    """

    i18n = True
    alternates = True
    x_default = True

    def get_languages_for_item(self, item):
        languages = super().get_languages_for_item(item)
        return languages if getattr(item, "english", True) else [settings.LANGUAGE_CODE]

    def get_urls(self, page=1, site=None, protocol=None):
        address = urlsplit(settings.SITE_URL)
        site = SimpleNamespace(domain=address.netloc + address.path, name="")
        return super().get_urls(page=page, site=site, protocol=address.scheme)


class StaticSitemap(SiteSitemap):
    """Pages that are not a model: the home page and the section indexes, each as new as its content."""

    changefreq = "daily"

    def items(self):
        return ["home", "news:list", "members:list", "contact"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        from association.models import DocumentVersion
        from members.models import Member
        from news.models import Article

        news = Article.objects.published().aggregate(last=Max("updated_at"))["last"]
        if item == "news:list":
            return news
        members = Member.objects.active().aggregate(last=Max("updated_at"))["last"]
        if item == "members:list":
            return members
        documents = DocumentVersion.objects.published().aggregate(last=Max("published_at"))["last"]
        return max((day for day in (news, members, documents) if day), default=None)
