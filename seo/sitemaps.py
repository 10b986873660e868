from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

URLS_PER_SITEMAP = 1_000  # addresses per sitemap file (the protocol allows 50,000; see sitemap_or_index)
SITEMAP_TEMPLATE = "seo/sitemap.xml"  # Django's sitemap.xml, written in one pass (seo.templatetags)
PLACEHOLDER_PK = 987654321012  # stands for an item's key in an address reversed once (``url_name``)
FIELDS = ("lastmod", "priority", "changefreq")
DEEP_FILE_OFFSET = 5_000  # items: from here a file's page reads its keys first (UncountedPaginator)


class SiteSitemap(Sitemap):
    """A sitemap whose addresses start from settings.SITE_URL, never from the request's Host header.

    Every page in each language it exists in, with the other language as its alternate (and
    x-default, the Chinese page). An item with ``english`` False (annotated by ``items()``)
    has no English page.

    Built for an archive of 100,000 articles: a file holds ``URLS_PER_SITEMAP`` addresses, a page of
    the section's items is read from the database with LIMIT/OFFSET (not the whole list for every
    page, as Django's ``Sitemap`` does), each item's address is worked out once, in Chinese (a section
    with ``url_name`` reverses it once per file and puts in each item's key), and the English address
    is the Chinese one under ``/en`` (``i18n_patterns`` without a prefix for the default language).
    ``_urls`` returns what Django's does, for Django's ``sitemap`` view.
    """

    i18n = True
    alternates = True
    x_default = True
    limit = URLS_PER_SITEMAP
    url_name = None  # e.g. "news:detail": the item's address is this URL with its primary key

    def get_languages_for_item(self, item):
        languages = super().get_languages_for_item(item)
        return languages if getattr(item, "english", True) else [settings.LANGUAGE_CODE]

    def get_urls(self, page=1, site=None, protocol=None):
        address = urlsplit(settings.SITE_URL)
        site = SimpleNamespace(domain=address.netloc + address.path, name="")
        return super().get_urls(page=page, site=site, protocol=address.scheme)

    @property
    def paginator(self):
        # Pages of items, each item with up to one address per language: a file stays within ``limit``.
        return UncountedPaginator(self.items(), max(1, self.limit // len(settings.LANGUAGES)))

    def path_of(self, item):
        """The item's address in Chinese (no prefix)."""
        if self.url_name is None:
            with translation.override(settings.LANGUAGE_CODE):
                return self._get("location", (item, settings.LANGUAGE_CODE))
        if not hasattr(self, "_pattern"):
            with translation.override(settings.LANGUAGE_CODE):
                self._pattern = reverse(self.url_name, args=[PLACEHOLDER_PK])
        return self._pattern.replace(str(PLACEHOLDER_PK), str(item.pk), 1)

    def _urls(self, page, protocol, domain):
        base = f"{protocol}://{domain}"
        chinese = settings.LANGUAGE_CODE
        urls = []
        latest, every_lastmod = None, True
        for item in self.paginator.page(page).object_list:
            path = self.path_of(item)
            languages = self.get_languages_for_item(item)
            locations = {code: base + (path if code == chinese else f"/{code}{path}") for code in languages}
            alternates = [{"location": locations[code], "lang_code": code} for code in languages]
            if self.x_default and chinese in languages:
                alternates.append({"location": locations[chinese], "lang_code": "x-default"})
            lastmod, priority, changefreq = (self._get(name, (item, chinese)) for name in FIELDS)
            every_lastmod = every_lastmod and lastmod is not None
            if every_lastmod and (latest is None or lastmod > latest):
                latest = lastmod
            for code in languages:
                urls.append(
                    {
                        "item": (item, code),
                        "location": locations[code],
                        "lastmod": lastmod,
                        "changefreq": changefreq,
                        "priority": str(priority if priority is not None else ""),
                        "alternates": alternates if self.alternates else [],
                    }
                )
        if every_lastmod and latest:
            self.latest_lastmod = latest
        return urls


class UncountedPaginator(Paginator):
    """A sitemap file's page of items without counting them all first (a COUNT of 100,000 articles on every
    file): a page past the last is empty, and an empty page past the first is Django's 404 (EmptyPage).
    A deep page takes its keys from the index first, then reads those rows (as news's deep list pages)."""

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not an integer")) from error
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        bottom = (number - 1) * self.per_page
        items = self.object_list
        if bottom >= DEEP_FILE_OFFSET and hasattr(items, "values_list"):
            keys = list(items.values_list("pk", flat=True)[bottom : bottom + self.per_page])
            rows = {row.pk: row for row in items.filter(pk__in=keys)}
            found = [rows[key] for key in keys if key in rows]
        else:
            found = list(items[bottom : bottom + self.per_page])
        if not found and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return self._get_page(found, number, self)


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


def sitemap_or_index(request, sitemaps):
    """/sitemap.xml: every address in one file, or past ``URLS_PER_SITEMAP`` addresses an index of the
    sections' own files (/sitemap-articles.xml?p=2…), each a page the page cache keeps like any other.
    The index's addresses start from settings.SITE_URL, as every sitemap address does.

    1,000 addresses a file rather than the protocol's 50,000: a file is built in about 25 ms
    on a page-cache miss (after each edit), where one file of 30,000 took seconds."""
    from django.contrib.sitemaps.views import sitemap
    from django.template.response import TemplateResponse

    sections = {name: (cls() if callable(cls) else cls) for name, cls in sitemaps.items()}
    # An upper bound without building each list: its items (a COUNT for a queryset) × the languages.
    counts = {name: _item_count(section) for name, section in sections.items()}
    if sum(counts.values()) * len(settings.LANGUAGES) <= URLS_PER_SITEMAP:
        return sitemap(request, sitemaps, template_name=SITEMAP_TEMPLATE)
    base = settings.SITE_URL.rstrip("/")
    locations = []
    for name, section in sections.items():
        location = base + reverse("sitemap-section", kwargs={"section": name})
        per_file = section.paginator.per_page
        files = max(1, -(-counts[name] // per_file))  # from the one count (exact: no listed page may be a 404)
        for page in range(1, files + 1):
            locations.append(SimpleNamespace(location=location + (f"?p={page}" if page > 1 else ""), last_mod=None))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": locations}, content_type="application/xml")


def _item_count(section):
    if hasattr(section, "item_count"):
        return section.item_count()
    items = section.items()
    return items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
