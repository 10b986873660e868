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


URLS_PER_SITEMAP = 50_000  # the sitemaps protocol's limit per file


def sitemap_or_index(request, sitemaps):
    """/sitemap.xml: every address in one file, or past ``URLS_PER_SITEMAP`` addresses an index of the
    sections' own files (/sitemap-articles.xml?p=2…), each a page the page cache keeps like any other.
    The index's addresses start from settings.SITE_URL, as every sitemap address does."""
    from django.contrib.sitemaps.views import sitemap
    from django.template.response import TemplateResponse

    sections = {name: (cls() if callable(cls) else cls) for name, cls in sitemaps.items()}
    # An upper bound without building each list: its items (a COUNT for a queryset) × the languages.
    sizes = {name: _item_count(section) * len(settings.LANGUAGES) for name, section in sections.items()}
    if sum(sizes.values()) <= URLS_PER_SITEMAP:
        return sitemap(request, sitemaps)
    base = settings.SITE_URL.rstrip("/")
    locations = []
    for name, section in sections.items():
        location = base + reverse("sitemap-section", kwargs={"section": name})
        for page in range(1, section.paginator.num_pages + 1):  # exact: no listed page may be a 404
            locations.append(SimpleNamespace(location=location + (f"?p={page}" if page > 1 else ""), last_mod=None))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": locations}, content_type="application/xml")


def _item_count(section):
    items = section.items()
    return items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
