"""Lists that stay cheap deep into a large archive (issue 25): a deep page of a 栏目 reads keys, not rows."""

import pytest
from django.urls import reverse

from news import views as news_views


@pytest.fixture
def uncached(settings):
    settings.PAGE_CACHE_ENABLED = False


def titles(response):
    return [article.title for article in response.context["articles"]]


def test_a_deep_page_lists_the_same_articles_in_the_same_order(client, make_article, monkeypatch, uncached):
    for number in range(45):
        make_article(f"快讯{number:02d}", days_ago=number + 1, pinned=number == 30)
    url = reverse("news:category", args=["park-express"])
    shallow = [titles(client.get(url, {"page": page})) for page in (1, 2, 3)]
    monkeypatch.setattr(news_views, "DEEP_PAGE_OFFSET", 20)  # page 2 on is "deep"
    deep = [titles(client.get(url, {"page": page})) for page in (1, 2, 3)]
    assert deep == shallow
    assert deep[0][0] == "快讯30"  # pinned first
    assert deep[2] == ["快讯40", "快讯41", "快讯42", "快讯43", "快讯44"]


def test_a_deep_page_takes_the_same_queries_however_deep(
    client, make_article, monkeypatch, uncached, django_assert_num_queries
):
    monkeypatch.setattr(news_views, "DEEP_PAGE_OFFSET", 20)
    for number in range(41):
        make_article(f"快讯{number:02d}", days_ago=number + 1)
    url = reverse("news:category", args=["park-express"])
    client.get(url, {"page": 2})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as second:
        client.get(url, {"page": 2})
    for number in range(41, 100):
        make_article(f"快讯{number:02d}", days_ago=number + 1)
    with django_assert_num_queries(len(second)):
        assert client.get(url, {"page": 5}).status_code == 200


def test_past_the_limit_the_sitemap_is_an_index_of_section_files(client, make_article, monkeypatch, settings):
    from seo import sitemaps

    for number in range(3):
        make_article(f"快讯{number}")
    assert "<urlset" in client.get("/sitemap.xml").content.decode()
    monkeypatch.setattr(sitemaps, "URLS_PER_SITEMAP", 4)
    monkeypatch.setattr(sitemaps.SiteSitemap, "limit", 4)  # 4 addresses: 2 items, each with room for 2 languages
    settings.PAGE_CACHE_ENABLED = False
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    assert f"<loc>{settings.SITE_URL}/sitemap-articles.xml</loc>" in index
    assert f"<loc>{settings.SITE_URL}/sitemap-articles.xml?p=2</loc>" in index  # 3 articles, 2 a file
    assert "sitemap-articles.xml?p=3" not in index
    assert client.get("/sitemap-articles.xml", {"p": 2}).content.decode().count("<url>") == 1


def test_the_sitemap_index_counts_each_section_without_grouping_the_archive(
    client, make_article, monkeypatch, settings
):
    """The index counts each section's items; the 栏目's count is of 栏目, not of their items() (each with its
    newest article: every article grouped by its 栏目, 100,000 at scale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from seo import sitemaps

    for number in range(3):
        make_article(f"快讯{number}")
    monkeypatch.setattr(sitemaps, "URLS_PER_SITEMAP", 4)
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as captured:
        index = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{settings.SITE_URL}/sitemap-categories.xml</loc>" in index
    assert not [query["sql"] for query in captured.captured_queries if "GROUP BY" in query["sql"]]


def test_the_home_columns_read_their_articles_by_key_from_one_list(make_article):
    """Each 栏目's newest articles (LIMITed, from the 栏目's index) are one statement: ``… UNION ALL …``. As
    ``pk IN (list 1) OR pk IN (list 2)`` PostgreSQL read every article and tested each against the lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news.models import Article, Category

    notices = Category.objects.create(name="通知公告", slug="notices", show_on_home=True, home_count=2)
    express = [make_article(f"快讯{day}", days_ago=day) for day in range(1, 4)]
    notes = [make_article(f"通知{day}", days_ago=day, category=notices) for day in range(1, 4)]
    with CaptureQueriesContext(connection) as captured:
        columns = dict(Article.home_columns())
    assert columns[notices] == notes[:2]
    assert [article.title for article in columns[express[0].category]][:3] == ["快讯1", "快讯2", "快讯3"]
    sql = captured.captured_queries[-1]["sql"]
    assert " UNION ALL " in sql and " OR " not in sql
