from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery

from seo.sitemaps import SiteSitemap

from .models import Document, DocumentVersion

HAS_ENGLISH = ExpressionWrapper(~Q(body_en=""), output_field=BooleanField())


class DocumentSitemap(SiteSitemap):
    """The current page of each published document (in English when its current version has English)."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        newest = DocumentVersion.objects.filter(document=OuterRef("pk")).newest_published()
        return Document.objects.live().annotate(
            updated_at=Subquery(newest.values("published_at")[:1]),
            english=Subquery(newest.annotate(english=HAS_ENGLISH).values("english")[:1]),
        )

    def lastmod(self, document):
        return document.updated_at


class DocumentHistorySitemap(DocumentSitemap):
    """Each published document's 历史版本 page, as new as its newest version."""

    priority = 0.5

    def get_languages_for_item(self, item):
        return self._languages()  # a list of the versions, in either language

    def location(self, document):
        return document.get_history_url()


class OldVersionSitemap(SiteSitemap):
    """Every superseded published version (/about/<slug>/v<n>/): permanent pages of their own.

    The current version by number is left out: its canonical page is the document's.
    Comparisons are left out too (one per pair of versions, and not indexed).
    """

    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return (
            DocumentVersion.objects.published()
            .with_latest_number()
            .filter(number__lt=F("latest_number"))
            .select_related("document")
            .only("number", "published_at", "document__slug")
            .annotate(english=HAS_ENGLISH)
            .order_by("document__order", "document_id", "-number")
        )

    def location(self, version):
        return version.get_absolute_url()

    def lastmod(self, version):
        return version.published_at
