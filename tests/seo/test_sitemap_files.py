"""The sitemap's files are what Django's sitemap framework writes, built fast enough for 100,000 articles:
the same addresses, alternates, dates and elements (compared with Django's own ``_urls`` and template),
a page of items read with LIMIT/OFFSET, and the same number of queries however large the archive."""

import re

import pytest
from django.contrib.sitemaps import Sitemap
from django.template.loader import render_to_string

from hnda_site.urls import sitemaps
from members.models import Member
from news.models import Article


class Stock:
    """Django's own way of listing a section: every item's address reversed in each language."""

    limit = 50_000
    paginator = Sitemap.paginator
    _urls = Sitemap._urls
    _location = Sitemap._location


def stock(section_class):
    bases = (Stock, section_class)
    namespace = {}
    if section_class.url_name is not None:
        namespace["location"] = Sitemap.location  # get_absolute_url(), as Django does
    return type(f"Stock{section_class.__name__}", bases, namespace)()


@pytest.fixture
def make_article(seeded):
    """A published article in the seeded 园区快讯."""
    from datetime import timedelta

    from django.utils import timezone

    from news.models import Category

    category = Category.objects.get(slug="park-express")

    def make(title, days_ago=1, **fields):
        published_at = timezone.now() - timedelta(days=days_ago)
        return Article.objects.create(
            title=title,
            body=f"<p>{title}</p>",
            category=category,
            status=Article.Status.PUBLISHED,
            published_at=published_at,
            **fields,
        )

    return make


@pytest.fixture
def archive(make_article):
    for number in range(7):
        english = {"title_en": f"News {number}", "body_en": "<p>Text</p>"} if number % 3 == 0 else {}
        make_article(f"园区快讯{number}", days_ago=number + 1, **english)
    Member.objects.create(name="测试园区甲", name_en="Test Zone A", city="changsha", kind="economic", level="national")


@pytest.mark.parametrize("name", list(sitemaps))
def test_each_section_lists_what_djangos_sitemap_would(archive, name, settings):
    ours = sitemaps[name]()
    theirs = stock(sitemaps[name])
    ours_urls = ours.get_urls(page=1)
    theirs_urls = theirs.get_urls(page=1)
    strip = [{key: value for key, value in url.items() if key != "item"} for url in theirs_urls]
    assert [{key: value for key, value in url.items() if key != "item"} for url in ours_urls] == strip
    assert getattr(ours, "latest_lastmod", None) == getattr(theirs, "latest_lastmod", None)
    ours_xml = render_to_string("seo/sitemap.xml", {"urlset": ours_urls})
    theirs_xml = re.sub(r">\s+<", "><", render_to_string("sitemap.xml", {"urlset": theirs_urls}))
    assert re.sub(r">\s+<", "><", ours_xml) == theirs_xml


def test_a_file_holds_at_most_its_limit_of_addresses(archive, monkeypatch, client, settings):
    from seo import sitemaps as module

    settings.PAGE_CACHE_ENABLED = False
    monkeypatch.setattr(module.SiteSitemap, "limit", 4)  # two items, each with room for two languages
    pages = [client.get("/sitemap-articles.xml", {"p": page}) for page in range(1, 5)]
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    counts = [page.content.decode().count("<url>") for page in pages]
    assert all(count <= 4 for count in counts)
    assert sum(counts) == Article.objects.published().count() + Article.objects.published().exclude(title_en="").count()
    assert client.get("/sitemap-articles.xml", {"p": 99}).status_code == 404


def test_a_sitemap_file_takes_the_same_queries_however_large_the_archive(
    make_article, client, settings, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    for number in range(3):
        make_article(f"快讯{number}")
    client.get("/sitemap-articles.xml")
    with CaptureQueriesContext(connection) as small:
        client.get("/sitemap-articles.xml")
    Article.objects.bulk_create(
        Article(
            title=f"批量{number}",
            body="<p>正文</p>",
            category=Article.objects.first().category,
            status=Article.Status.PUBLISHED,
            published_at=Article.objects.first().published_at,
        )
        for number in range(300)
    )
    with django_assert_num_queries(len(small)):
        assert client.get("/sitemap-articles.xml").status_code == 200


def test_a_deep_file_reads_its_keys_first_and_no_file_counts_the_archive(archive, monkeypatch, client, settings):
    """A file's page needs no COUNT of every article (a page past the last is an empty page: 404), and from
    DEEP_FILE_OFFSET items on its keys come from the index first: the same addresses either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seo import sitemaps as module

    settings.PAGE_CACHE_ENABLED = False
    monkeypatch.setattr(module.SiteSitemap, "limit", 4)
    shallow = [client.get("/sitemap-articles.xml", {"p": page}).content for page in range(1, 5)]
    monkeypatch.setattr(module, "DEEP_FILE_OFFSET", 2)  # page 2 on is "deep"
    with CaptureQueriesContext(connection) as queries:
        deep = [client.get("/sitemap-articles.xml", {"p": page}).content for page in range(1, 5)]
    assert deep == shallow
    assert not [query for query in queries if "COUNT(" in query["sql"].upper()]
    assert client.get("/sitemap-articles.xml", {"p": 5}).status_code == 404
    assert client.get("/sitemap-articles.xml", {"p": "x"}).status_code == 404
