from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery

from .models import Document, DocumentVersion


class DocumentSitemap(Sitemap):
    """The current page of each published document; old versions and comparisons are left out."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        newest = DocumentVersion.objects.published().filter(document=OuterRef("pk")).order_by("-number")
        return Document.objects.live().annotate(updated_at=Subquery(newest.values("published_at")[:1]))

    def lastmod(self, document):
        return document.updated_at
