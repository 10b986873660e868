from django.contrib.sitemaps import Sitemap

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().only("id", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.all()
