"""A database outage: pages the cache holds are served as their last good copy, marked stale (issue 19, item 4).

The outage is real at the SQL level: every statement fails as it does when PostgreSQL is stopped, so the
stamp cannot be read and nothing can be rendered. (Through nginx with a PostgreSQL cluster really stopped:
``make deploy-check``.)
"""

import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from hnda_site.models import SiteSettings
from pagecache import cache as pagecache
from pagecache import redisconn
from tests.conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(request, settings):
    settings.PAGE_CACHE_ENABLED = True
    request.getfixturevalue("_django_db_helper")
    SiteSettings.load()


@pytest.fixture
def client():
    """A visitor's browser that gets the 503 page rather than the exception (as behind gunicorn)."""
    return Client(HTTP_USER_AGENT=BROWSER_USER_AGENT, raise_request_exception=False)


@contextmanager
def database_down():
    """Every statement refused; with Redis, its copy of the stamp gone too (as 60 s into an outage)."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    redis = redisconn.connection()
    if redis is not None:
        redis.delete(redisconn.key(pagecache.STAMP_KEY))
        pagecache._watch.reset()
    with connection.execute_wrapper(refuse):
        yield


def outcome(response):
    return response.headers.get("X-Page-Cache")


def test_a_cached_page_is_served_as_its_last_good_copy_marked_stale(client, make_article):
    make_article("停库时照常可读")
    fresh = client.get("/news/")
    assert outcome(client.get("/news/")) == "hit"
    with database_down():
        stale = client.get("/news/")
    assert stale.status_code == 200
    assert outcome(stale) == "stale"
    assert stale.content == fresh.content
    assert int(stale.headers["Age"]) >= 0
    # No longer a lifetime than the fresh copy had: proxies must still ask again every time.
    assert stale.headers["Cache-Control"] == fresh.headers["Cache-Control"]
    assert "no-cache" in stale.headers["Cache-Control"]


def test_a_page_never_cached_gets_the_chinese_503_with_retry_after(client, make_article):
    make_article()
    with database_down():
        response = client.get("/news/")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "网站暂时无法访问" in response.content.decode()
    assert outcome(response) is None


def test_an_article_keeps_the_count_it_was_rendered_with_when_the_count_cannot_be_read(client, make_article):
    article = make_article("浏览数停库")
    url = article.get_absolute_url()
    first = client.get(url).content.decode()
    shown = re.search(r'class="article__views">(\d+)<', first).group(1)
    with database_down():
        stale = client.get(url)
    assert stale.status_code == 200
    assert outcome(stale) == "stale"
    body = stale.content.decode()
    # Without Redis the count cannot be read: the one rendered; with Redis it goes on counting.
    expected = int(shown) if redisconn.connection() is None else int(shown) + 1
    assert int(re.search(r'class="article__views">(\d+)<', body).group(1)) == expected
    assert "view-count-" not in body  # never the placeholder


def test_a_page_whose_copy_is_out_of_date_is_served_stale_when_rendering_fails(client, make_article, monkeypatch):
    """With Redis the stamp stays readable for a while: a page changed since its copy must be rendered,
    and when the database refuses, the last good copy is better than the 503."""
    make_article("旧的一版")
    assert client.get("/news/").status_code == 200
    pagecache.invalidate()  # a change since; the copy is out of date
    stamp = pagecache.current_stamp()
    monkeypatch.setattr(pagecache, "current_stamp", lambda: stamp)  # readable, as from Redis
    with database_down():
        response = client.get("/news/")
    assert response.status_code == 200
    assert outcome(response) == "stale"
    assert "旧的一版" in response.content.decode()


def test_a_page_that_is_gone_leaves_no_copy_for_an_outage(client, make_article):
    """A withdrawn article (now a 404) must not come back from the cache when the database goes away."""
    article = make_article("已撤下的文章")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    article.delete()
    assert client.get(url).status_code == 404
    with database_down():
        response = client.get(url)
    assert response.status_code == 503
    assert "已撤下的文章" not in response.content.decode()


def test_head_of_a_stale_page_has_no_body_and_counts_nothing(client, make_article):
    article = make_article("HEAD 停库")
    url = article.get_absolute_url()
    client.get(url)
    with database_down():
        response = client.head(url)
    assert response.status_code == 200
    assert outcome(response) == "stale"
    assert response.content == b""
    article.refresh_from_db()
    assert article.view_count == 1


def test_pages_are_fresh_again_when_the_database_returns(client, make_article):
    make_article("恢复以后")
    client.get("/news/")
    with database_down():
        assert outcome(client.get("/news/")) == "stale"
    make_article("恢复以后的新文章")
    response = client.get("/news/")
    assert outcome(response) == "miss"
    assert "恢复以后的新文章" in response.content.decode()
