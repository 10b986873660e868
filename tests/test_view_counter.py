"""The article view counter: exact, cheap, and only for real visitors (news/viewcounter.py)."""

import os
import re
import socket
import threading
import uuid

import pytest
from django.db import DatabaseError, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hnda_site.models import SiteSettings
from news import viewcounter
from pagecache import cache as pagecache
from pagecache import redisconn

from .conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI runs it)")


@pytest.fixture(params=[False, True], ids=["uncached", "cached"])
def page_cache(request, settings):
    settings.PAGE_CACHE_ENABLED = request.param
    SiteSettings.load()
    return request.param


def shown(response):
    return int(re.search(r'class="article__views">(\d+)<', response.content.decode()).group(1))


def stored(article):
    viewcounter.flush()
    article.refresh_from_db()
    return article.view_count


def test_the_number_shown_includes_the_visitors_own_view(client, make_article, page_cache):
    article = make_article()
    assert [shown(client.get(article.get_absolute_url())) for _ in range(3)] == [1, 2, 3]
    assert stored(article) == 3


def test_head_requests_are_not_counted(client, make_article, page_cache):
    article = make_article()
    client.get(article.get_absolute_url())
    for _ in range(3):
        assert client.head(article.get_absolute_url()).status_code == 200
    assert stored(article) == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "W3C-checklink/5.0.0 libwww-perl/6.77",
        "LinkChecker/10.5 (+https://linkchecker.github.io/linkchecker/)",
    ],
)
def test_headless_browsers_and_link_checkers_are_not_counted(make_article, page_cache, user_agent):
    article = make_article()
    for _ in range(2):
        response = Client(HTTP_USER_AGENT=user_agent).get(article.get_absolute_url())
        assert shown(response) == 0
    assert stored(article) == 0


def test_staff_reading_a_public_article_are_not_counted(client, staff_client, make_article, page_cache):
    article = make_article()
    client.get(article.get_absolute_url())
    assert shown(staff_client.get(article.get_absolute_url())) == 1
    assert stored(article) == 1


def test_counting_does_not_invalidate_the_page_cache(client, make_article, settings):
    settings.PAGE_CACHE_ENABLED = True
    SiteSettings.load()
    article = make_article()
    client.get("/news/")
    client.get(article.get_absolute_url())
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_clearing_the_page_cache_loses_no_view(client, make_article, settings):
    settings.PAGE_CACHE_ENABLED = True
    article = make_article()
    client.get(article.get_absolute_url())
    pagecache.clear()
    assert shown(client.get(article.get_absolute_url())) == 2
    assert stored(article) == 2


def test_a_cached_article_page_is_not_kept_by_proxies(client, make_article, settings):
    settings.PAGE_CACHE_ENABLED = True
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response


def test_without_redis_a_view_is_one_update_returning_the_count(client, make_article, settings):
    if redisconn.configured():
        pytest.skip("with Redis a view is counted in Redis")
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        assert viewcounter.count(article.pk) == 1
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("UPDATE") and "RETURNING" in queries[0]["sql"]


# --- Redis ------------------------------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """The cache on the Redis of REDIS_URL, under a key prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    redisconn.reset()
    redis = redisconn.connection()
    yield redis
    for key in redis.scan_iter(redisconn.key("*")):
        redis.delete(key)
    redisconn.reset()


@needs_redis
def test_with_redis_a_view_writes_nothing_to_the_database(redis_cache, make_article):
    article = make_article()
    viewcounter.count(article.pk)  # loads the total and flushes (the first flush of this second)
    with CaptureQueriesContext(connection) as queries:
        assert viewcounter.count(article.pk) == 2
        assert viewcounter.count(article.pk) == 3
    assert len(queries) == 0
    article.refresh_from_db()
    assert article.view_count == 1
    assert viewcounter.flush() == 2
    article.refresh_from_db()
    assert article.view_count == 3


@needs_redis
def test_with_redis_the_first_view_after_a_second_flushes(redis_cache, make_article):
    article = make_article()
    for _ in range(3):
        viewcounter.count(article.pk)
    redis_cache.delete(redisconn.key(viewcounter.FLUSH_KEY))  # a second has passed
    viewcounter.count(article.pk)
    article.refresh_from_db()
    assert article.view_count == 4


@needs_redis
def test_losing_redis_data_loses_only_the_views_since_the_last_flush(redis_cache, make_article):
    article = make_article()
    for _ in range(5):
        viewcounter.count(article.pk)
    viewcounter.flush()
    viewcounter.count(article.pk)
    redis_cache.flushdb()  # Redis restarted without its data
    assert viewcounter.count(article.pk) == 6  # the unflushed view is lost; the total is read again
    assert stored(article) == 6


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_unreachable_views_are_counted_in_the_database(settings, make_article):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    redisconn.reset()
    article = make_article()
    assert [viewcounter.count(article.pk) for _ in range(3)] == [1, 2, 3]
    article.refresh_from_db()
    assert article.view_count == 3
    redisconn.reset()


# --- Exact under concurrency ------------------------------------------------------------------------


def count_concurrently(article_id, threads=8, per_thread=300):
    barrier = threading.Barrier(threads)
    failures = []

    def visit():
        barrier.wait()
        try:
            for _ in range(per_thread):
                viewcounter.count(article_id)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_times_three_hundred_concurrent_views_are_all_counted(make_article):
    """On SQLite the same is checked through two gunicorn workers (tests/test_two_workers.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database here; see tests/test_two_workers.py")
    article = make_article()
    assert count_concurrently(article.pk) == []
    assert stored(article) == 8 * 300
    assert shown(Client(HTTP_USER_AGENT=BROWSER_USER_AGENT).get(article.get_absolute_url())) == 8 * 300 + 1


@needs_redis
def test_staff_opening_an_article_in_the_admin_see_every_view(redis_cache, make_article, staff_client):
    article = make_article()
    for _ in range(3):
        viewcounter.count(article.pk)
    assert staff_client.get(f"/admin/news/article/{article.pk}/change/").status_code == 200
    article.refresh_from_db()
    assert article.view_count == 3


# --- Batched: each worker sends its views together (the production default) ---------------------------------


@pytest.fixture
def batched(settings):
    settings.VIEW_COUNT_BATCH_SECONDS = 60  # no timer fires during the test: only what the test sends
    yield


def counter_writes(queries):
    return [query for query in queries if query["sql"].startswith("UPDATE") and "view_count" in query["sql"]]


def test_batched_views_are_sent_together_and_each_visitor_sees_their_own(client, make_article, batched, settings):
    settings.PAGE_CACHE_ENABLED = True
    article = make_article()
    url = article.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        assert [shown(client.get(url)) for _ in range(4)] == [1, 2, 3, 4]
    # The first view of the batch is sent at once (its total read back; with Redis, the first flush of this
    # second writes it on); the next three are gathered in the worker.
    assert len(counter_writes(queries)) == 1
    assert stored(article) == 4  # flush() sends the batch first
    assert shown(client.get(url)) == 5


def test_a_batch_holds_every_article_viewed_and_keeps_views_the_database_refused(make_article, batched, monkeypatch):
    first, second = make_article("甲"), make_article("乙")
    assert viewcounter.count(first.pk) == 1
    assert viewcounter.count(second.pk) == 1
    assert [viewcounter.count(first.pk) for _ in range(2)] == [2, 3]
    real = viewcounter._send_views
    monkeypatch.setattr(viewcounter, "_send_views", lambda *args: (_ for _ in ()).throw(DatabaseError("out")))
    with pytest.raises(DatabaseError):
        viewcounter.send_batch()
    assert viewcounter._batch.timer is not None  # tried again even if no view comes
    monkeypatch.setattr(viewcounter, "_send_views", real)
    assert stored(first) == 3  # the two views the failed send held were kept and sent with the next
    assert stored(second) == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_sent_by_its_timer_when_no_view_comes(make_article, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the timer's thread needs its own connection to a database the test shares (PostgreSQL)")
    settings.VIEW_COUNT_BATCH_SECONDS = 0.05
    article = make_article()
    assert [viewcounter.count(article.pk) for _ in range(3)] == [1, 2, 3]
    for _ in range(200):  # up to about 2 s; the timer fires after 0.05 s
        article.refresh_from_db()
        if redisconn.configured():
            viewcounter.flush()
            article.refresh_from_db()
        if article.view_count == 3:
            break
        threading.Event().wait(0.01)
    assert article.view_count == 3
    assert viewcounter._batch.pending == {}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_batched_concurrent_views_each_show_their_own_number(make_article, settings):
    """Threads of one worker (gthread) counting at once: every view shown a number of its own, none lost,
    also while a send is on its way (a view then waits for the totals instead of counting on old ones)."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share one in-memory SQLite database here; see tests/test_two_workers.py")
    settings.VIEW_COUNT_BATCH_SECONDS = 0.002  # many sends during the run
    article = make_article()
    barrier, totals = threading.Barrier(8), []

    def visit():
        barrier.wait()
        try:
            totals.extend(viewcounter.count(article.pk) for _ in range(100))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=visit) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(totals) == list(range(1, 801))
    assert stored(article) == 800
