from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class StaticSitemap(Sitemap):
    """Pages that are not a model: the home page and the section indexes."""

    changefreq = "daily"

    def items(self):
        return ["home", "news:list", "members:list", "contact"]

    def location(self, item):
        return reverse(item)
