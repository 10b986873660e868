"""The page cache: anonymous pages come from memory and are never stale (pagecache/cache.py)."""

import os
import socket
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib import messages
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from association.models import Document, DocumentVersion
from hnda_site.models import SiteSettings
from members.models import Member
from news.models import Article
from pagecache import cache as pagecache
from pagecache import redisconn
from pagecache.models import PageCacheStamp
from tests.conftest import BROWSER_USER_AGENT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(request, settings):
    """The page cache on, and the site settings record already there (its creation is a write)."""
    settings.PAGE_CACHE_ENABLED = True
    request.getfixturevalue("_django_db_helper")
    SiteSettings.load()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response


def outcome(response):
    return response.headers.get("X-Page-Cache")


def shared_generation():
    return PageCacheStamp.objects.get(pk=1).generation


# --- Hits and misses ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/news/", "/news/park-express/", "/news/feed/", "/sitemap.xml"])
def test_anonymous_pages_are_served_from_the_cache_with_one_query(client, make_article, url):
    make_article("缓存文章")
    first = get(client, url)
    assert outcome(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert outcome(second) == "hit"
    assert second.content == first.content
    assert len(queries) == (0 if redisconn.configured() else 1)  # the generation stamp, unless in Redis


def test_a_hit_keeps_the_security_headers_of_the_rendered_page(client, make_article):
    make_article()
    first = get(client, "/news/")
    second = get(client, "/news/")
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type", "Vary"):
        assert second.headers[header] == first.headers[header]
    assert "Cookie" in second.headers["Vary"]


def test_a_hit_has_every_header_of_the_rendered_page_each_its_own_copy(client, make_article):
    """A hit copies the headers as stored (checked once, when stored), the counted article's included; what
    one response does to its headers never reaches the next."""
    article = make_article()
    for url in ("/news/", article.get_absolute_url()):
        first = get(client, url)
        second = get(client, url)
        assert outcome(second) == "hit"
        for name, value in first.items():
            if name not in ("X-Page-Cache", "Content-Length"):
                assert second[name] == value, name
        assert second["Content-Length"] == str(len(second.content))
        second["X-Mine"] = "changed"
        del second["Vary"]
        third = get(client, url)
        assert "X-Mine" not in third and third["Vary"] == first["Vary"]


def test_the_counted_article_is_its_page_with_each_visitors_count(client, make_article):
    article = make_article()
    url = article.get_absolute_url()
    pages = [get(client, url).content.decode() for _ in range(3)]
    counts = [page.split('class="article__views">')[1].split("<")[0] for page in pages]
    assert counts == ["1", "2", "3"]
    assert pages[2] == pages[0].replace('class="article__views">1<', 'class="article__views">3<')


def test_a_cache_miss_takes_no_more_queries_than_an_uncached_page(client, make_article, settings):
    make_article()
    for url in ("/", "/news/"):
        get(client, url)  # warm: the site settings record exists and is remembered
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as uncached:
        get(client, "/news/")
    settings.PAGE_CACHE_ENABLED = True
    with CaptureQueriesContext(connection) as miss:
        get(client, "/news/?page=1")
    assert len(miss) <= len(uncached)


def test_a_revalidation_with_the_etag_is_a_304(client, make_article):
    make_article()
    etag = get(client, "/news/")["ETag"]
    response = client.get("/news/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert "no-cache" in response["Cache-Control"]


def test_cacheable_pages_tell_proxies_to_revalidate(client, make_article):
    make_article()
    response = get(client, "/news/")
    assert "public" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_head_of_a_cached_page_has_no_body(client, make_article):
    make_article()
    page = get(client, "/news/")
    response = client.head("/news/")
    assert response.status_code == 200
    assert outcome(response) == "hit"
    assert response.content == b""
    assert response["Content-Length"] == str(len(page.content))


def test_text_size_and_contrast_cookies_get_their_own_copies(client, make_article):
    make_article()
    get(client, "/news/")
    client.cookies["fontsize"] = "large"
    assert outcome(get(client, "/news/")) == "miss"
    assert outcome(get(client, "/news/")) == "hit"
    client.cookies["contrast"] = "high"
    assert outcome(get(client, "/news/")) == "miss"


# --- Never stale ------------------------------------------------------------------------------------


def test_saving_an_article_shows_on_the_next_request(client, make_article):
    article = make_article("旧标题")
    get(client, "/news/")
    get(client, article.get_absolute_url())
    article.title = "新标题"
    article.save()
    assert "新标题" in get(client, "/news/").content.decode()
    assert "新标题" in get(client, article.get_absolute_url()).content.decode()


def test_bulk_updates_creates_and_deletes_show_on_the_next_request(client, make_article, category):
    article = make_article("批量前")
    get(client, "/news/")
    Article.objects.filter(pk=article.pk).update(title="批量改名")  # what admin actions do: no signals
    assert "批量改名" in get(client, "/news/").content.decode()
    Article.objects.bulk_create(
        [Article(title="批量新建", category=category, status="published", published_at=timezone.now())]
    )
    assert "批量新建" in get(client, "/news/").content.decode()
    article.title = "批量更新"
    Article.objects.bulk_update([article], ["title"])
    assert "批量更新" in get(client, "/news/").content.decode()
    Article.objects.filter(title="批量新建").delete()
    assert "批量新建" not in get(client, "/news/").content.decode()


def test_site_settings_show_on_the_next_request(client, db):
    get(client, "/")
    site = SiteSettings.load()
    site.welcome = "欢迎语已修改"
    site.save()
    assert "欢迎语已修改" in get(client, "/").content.decode()


def test_a_new_document_version_shows_on_the_next_request(client):
    document = Document.objects.create(slug="intro", title="协会简介", order=1)
    DocumentVersion.objects.create(document=document, body="<p>第一版正文</p>").publish()
    assert "第一版正文" in get(client, "/about/intro/").content.decode()
    DocumentVersion.objects.create(document=document, body="<p>第二版正文</p>").publish()
    assert "第二版正文" in get(client, "/about/intro/").content.decode()


def test_member_import_shows_on_the_next_request(client):
    import tablib

    from members.resources import MemberResource

    Member.objects.create(name="长沙高新技术产业开发区", city="changsha", level="national", kind="high_tech")
    assert "岳阳经济技术开发区" not in get(client, "/members/").content.decode()
    dataset = tablib.Dataset(headers=["名称", "简称", "市州", "级别", "类型", "协会职务", "启用"])
    dataset.append(["岳阳经济技术开发区", "岳阳经开区", "岳阳市", "国家级", "经济技术开发区", "会员单位", "是"])
    result = MemberResource().import_data(dataset, rollback_on_validation_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert "岳阳经济技术开发区" in get(client, "/members/").content.decode()


def test_a_write_by_another_server_is_seen(client, make_article):
    """Another worker's commit moves only the shared stamp on: this process must notice."""
    article = make_article("别处修改前")
    get(client, "/news/")
    with pagecache.quiet():  # this process does not see the write itself
        Article.objects.filter(pk=article.pk).update(title="别处修改后")
    pagecache._bump_shared()  # what the other server does when its transaction commits
    assert "别处修改后" in get(client, "/news/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_moves_the_shared_stamp_on(make_article):
    before = shared_generation()
    make_article()
    assert shared_generation() > before


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_article_appears_at_its_time_without_cron(client, make_article):
    publish_at = timezone.now() + timedelta(hours=2)
    make_article("定时快讯", published_at=publish_at)
    assert "定时快讯" not in get(client, "/news/").content.decode()
    assert outcome(get(client, "/news/")) == "hit"
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert "定时快讯" in get(client, "/news/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_version_taking_effect_changes_its_notice_that_day(client):
    document = Document.objects.create(slug="charter", title="协会章程", order=5)
    DocumentVersion.objects.create(document=document, body="<p>旧章程</p>").publish()
    effective = timezone.localdate() + timedelta(days=3)
    DocumentVersion.objects.create(document=document, body="<p>新章程</p>", effective_date=effective).publish()
    assert "起生效" in get(client, "/about/charter/").content.decode()
    midnight = timezone.make_aware(timezone.datetime.combine(effective, timezone.datetime.min.time()))
    with time_machine.travel(midnight + timedelta(minutes=1)):
        assert "起生效" not in get(client, "/about/charter/").content.decode()


def test_clear_page_cache_command_empties_every_worker(client, make_article):
    make_article()
    get(client, "/news/")
    with CaptureQueriesContext(connection):
        call_command("clear_page_cache", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert outcome(get(client, "/news/")) == "miss"


# --- Never cached -----------------------------------------------------------------------------------


def test_staff_get_fresh_pages_with_their_preview_banners(client, staff_client, make_article):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    get(client, "/news/")
    response = get(staff_client, "/news/")
    assert outcome(response) is None
    assert "private" in response["Cache-Control"]
    preview = get(staff_client, draft.get_absolute_url())
    assert "预览：此文章是草稿" in preview.content.decode()
    assert outcome(get(staff_client, draft.get_absolute_url())) is None


@pytest.mark.parametrize("url", ["/search/?q=文章", "/admin/login/"])
def test_search_and_admin_are_never_cached(client, make_article, url):
    make_article()
    client.get(url)
    assert outcome(client.get(url)) is None


def test_a_post_is_never_answered_from_the_cache(client, make_article):
    make_article()
    get(client, "/news/")
    assert outcome(client.post("/news/")) is None


def middleware_response(view, path="/news/"):
    """Run a view behind the page cache middleware twice; return both outcomes."""
    middleware = pagecache.PageCacheMiddleware(view)
    results = []
    for _ in range(2):
        request = RequestFactory().get(path, headers={"User-Agent": BROWSER_USER_AGENT})
        results.append(outcome(middleware(request)))
    return results


def with_messages(request):
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "view",
    [
        pytest.param(lambda request: HttpResponse(get_token(request)), id="csrf-token"),
        pytest.param(lambda request: set_cookie(HttpResponse("x")), id="set-cookie"),
        pytest.param(lambda request: HttpResponse("x", status=404), id="not-200"),
        pytest.param(
            lambda request: with_header(HttpResponse("x"), "Content-Security-Policy", "script-src 'nonce-abc'"),
            id="csp-nonce",
        ),
        pytest.param(lambda request: with_header(HttpResponse("x"), "Cache-Control", "private"), id="private"),
        pytest.param(
            lambda request: message_page(with_messages(request)),
            id="message",
        ),
    ],
)
def test_pages_of_one_visitor_are_never_stored(db, view):
    assert middleware_response(view) == [None, None]


def test_a_static_csp_header_is_stored_and_replayed(db):
    view = lambda request: with_header(HttpResponse("x"), "Content-Security-Policy", "default-src 'self'")  # noqa: E731
    middleware = pagecache.PageCacheMiddleware(view)
    middleware(RequestFactory().get("/news/"))
    response = middleware(RequestFactory().get("/news/"))
    assert outcome(response) == "hit"
    assert response["Content-Security-Policy"] == "default-src 'self'"


def set_cookie(response):
    response.set_cookie("tracking", "1")
    return response


def with_header(response, name, value):
    response[name] = value
    return response


def message_page(request):
    messages.info(request, "已保存")
    return HttpResponse("x")


def test_a_visitor_with_a_session_cookie_is_never_served_from_the_cache(client, make_article):
    make_article()
    get(client, "/news/")
    client.cookies["sessionid"] = "whatever"
    assert outcome(get(client, "/news/")) is None


# --- Bounded memory ---------------------------------------------------------------------------------


def test_the_store_is_bounded_in_bytes_evicting_the_least_recently_used(settings):
    entry = pagecache.Entry(1, 1, (), b"x" * 900, None, ())
    # Five entries with their two-byte keys, besides the share kept for remembering evicted keys.
    settings.PAGE_CACHE_MAX_BYTES = int((5 * (entry.size + 2) + 10) / (1 - pagecache.Store.GHOST_SHARE))
    store = pagecache.Store()
    for number in range(7):
        store.put(f"/{number}", entry)
    assert len(store) == 5
    assert store.get("/0") is None
    assert store.get("/6") is not None
    store.put("/big", entry._replace(body=b"x" * 3000))  # more than a quarter of the budget: not kept
    assert store.get("/big") is None
    store.put("/a", entry._replace(body=b"x" * 990))
    store.put("/b", entry._replace(body=b"x" * 990))
    assert store.size <= settings.PAGE_CACHE_MAX_BYTES


def test_one_memoized_value_per_generation(db):
    calls = []
    assert pagecache.memoize("test", lambda: calls.append(1) or len(calls)) == 1
    assert pagecache.memoize("test", lambda: calls.append(1) or len(calls)) == 1
    pagecache.invalidate()
    assert pagecache.memoize("test", lambda: calls.append(1) or len(calls)) == 2


# --- Redis is optional at run time ------------------------------------------------------------------


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache and cached sessions pointed at a port nobody listens on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    redisconn.reset()
    yield
    redisconn.reset()


def test_with_redis_down_pages_answer_and_are_still_cached(redis_down, client, make_article, caplog):
    article = make_article("Redis 停了")
    for url in ("/", "/news/", article.get_absolute_url(), "/members/", "/news/feed/"):
        assert get(client, url)
    assert outcome(get(client, "/news/")) == "hit"  # freshness read from the database instead
    assert "Redis unreachable" in caplog.text
    article.title = "Redis 停了也更新"
    article.save()
    assert "Redis 停了也更新" in get(client, "/news/").content.decode()


def test_with_redis_down_staff_can_log_in_and_work(redis_down, admin_user):
    admin_user.set_password("pass-word-42")
    admin_user.save()
    browser = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    login = browser.post("/admin/login/?next=/admin/", {"username": admin_user.username, "password": "pass-word-42"})
    assert login.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/news/article/").status_code == 200
    assert browser.get("/news/").status_code == 200


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it)")
def test_when_redis_returns_the_stamp_goes_back_to_it_by_itself(redis_down, client, make_article, settings, caplog):
    make_article()
    assert get(client, "/news/")  # Redis down: the stamp comes from the database
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5},
        }
    }
    redisconn._down["until"] = 0.0  # the retry delay has passed
    assert get(client, "/news/")
    assert "Redis reachable again" in caplog.text
    redis = redisconn.connection()
    key = redisconn.key(pagecache.STAMP_KEY)
    assert redis.get(key) is not None
    redis.delete(key)


def test_the_write_watch_survives_an_execute_wrapper_block_around_connecting(db):
    """Django's execute_wrapper() pops the last wrapper when its block ends: ours must not be that one."""
    connection.execute_wrappers.remove(pagecache.watch_writes)
    with connection.execute_wrapper(lambda execute, *args: execute(*args)):
        pagecache.install_write_watch(sender=None, connection=connection)  # as if connecting now
    assert connection.execute_wrappers == [pagecache.watch_writes]


def test_when_the_stamp_cannot_be_read_a_page_never_cached_is_served_uncached(client, make_article, monkeypatch):
    """(A page cached before is served as its last good copy: tests/pagecache/test_outage.py.)"""
    from django.db import InterfaceError, OperationalError

    make_article("照常显示")
    for error in (OperationalError, InterfaceError):
        monkeypatch.setattr(pagecache, "current_stamp", lambda error=error: (_ for _ in ()).throw(error("down")))
        response = get(client, "/news/")
        assert outcome(response) is None
        assert "照常显示" in response.content.decode()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it)")
def test_with_redis_a_hit_asks_redis_nothing_yet_sees_another_servers_change_next(client, make_article, monkeypatch):
    """Hits poll this worker's subscription instead of reading the stamp key (no round trip); a stamp
    another server announces is used on the very next request."""
    import redis as redis_py

    monkeypatch.setattr(pagecache, "RESYNC_AFTER", 60.0)  # only the announcements, no periodic read
    article = make_article("别处修改前")
    get(client, "/news/")
    assert outcome(get(client, "/news/")) == "hit"
    ours = redisconn.connection()
    reads = []
    monkeypatch.setattr(ours, "get", lambda *args, **kwargs: reads.append(args))
    for _ in range(5):
        assert outcome(get(client, "/news/")) == "hit"
    assert reads == []

    with pagecache.quiet():  # the other server's write: this process does not see it itself
        Article.objects.filter(pk=article.pk).update(title="别处修改后")
    other_server = redis_py.Redis.from_url(os.environ["REDIS_URL"])
    newer = pagecache.Stamp(pagecache.current_stamp().generation + 1, None)
    pagecache._publish(other_server, newer)  # what its commit does
    assert "别处修改后" in get(client, "/news/").content.decode()
    assert reads == []
    other_server.delete(redisconn.key(pagecache.STAMP_KEY))
    other_server.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it)")
def test_with_redis_the_stamp_key_is_read_again_after_a_second(client, make_article, monkeypatch):
    """The safety net for a lost announcement: the key itself is read again after RESYNC_AFTER."""
    make_article()
    get(client, "/news/")
    ours = redisconn.connection()
    reads = []
    real_get = ours.get
    monkeypatch.setattr(ours, "get", lambda *args, **kwargs: reads.append(args) or real_get(*args, **kwargs))
    monkeypatch.setattr(pagecache, "RESYNC_AFTER", 0.0)
    assert outcome(get(client, "/news/")) == "hit"
    assert len(reads) == 1


def test_a_page_the_cache_does_not_keep_reads_the_stamp_once(client, make_article, settings):
    """Search is never cached, but its chrome (settings, navigation, links) is kept per process: the stamp
    that decides whether those are current is read once per request, not once per value."""
    make_article("园区新闻")
    client.get("/search/", {"q": "园区"})
    with CaptureQueriesContext(connection) as captured:
        client.get("/search/", {"q": "园区"})
    stamp_reads = [query for query in captured.captured_queries if "pagecachestamp" in query["sql"].lower()]
    assert len(stamp_reads) == (0 if redisconn.configured() else 1)


@pytest.mark.django_db(transaction=True)
def test_a_lists_count_is_remembered_until_content_or_the_schedule_changes_it(client, make_article):
    """The pages of a list count the same articles: once per process and language until content changes,
    and a scheduled article's time moves the stamp on (its list pages show it in their count)."""
    for number in range(25):
        make_article(f"快讯{number}", days_ago=number + 1)
    first = get(client, "/news/park-express/")
    assert "（第 2 页）" not in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = get(client, "/news/park-express/?page=2")
    assert outcome(second) == "miss" and second.status_code == 200
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    assert not [query for query in queries.captured_queries if "news_category" in query["sql"]]
    assert "快讯24" in second.content.decode() and 'href="?page=3"' not in second.content.decode()
    for number in range(20):
        make_article(f"新快讯{number}")  # content changed: 45 articles, three pages
    assert 'href="?page=3"' in get(client, "/news/park-express/?page=2").content.decode()
    publish_at = timezone.now() + timedelta(hours=2)
    for number in range(16):
        make_article(f"定时快讯{number}", published_at=publish_at)
    page_four = "/news/park-express/?page=4"
    assert client.get(page_four, headers={"user-agent": BROWSER_USER_AGENT}).status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert "快讯24" in get(client, page_four).content.decode()  # 61 articles: the oldest on a fourth page
    assert client.get("/news/no-such-column/", headers={"user-agent": BROWSER_USER_AGENT}).status_code == 404


class _RedisTurns:
    """Redis as it orders its writes: a command's reply first, what it published to subscribers only at the
    end of that turn of its event loop, and the next command read only after that."""

    connection_pool = SimpleNamespace(connection_kwargs={"db": 0})

    def __init__(self):
        self.subscriber_socket = []
        self._queued = []

    def _next_turn(self):
        self.subscriber_socket += self._queued
        self._queued = []

    def eval(self, script, numkeys, key, channel, generation, encoded, ttl):
        self._next_turn()
        self._queued.append(encoded)  # PUBLISH: queued for the subscriber, written after this reply
        return 1

    def ping(self):
        self._next_turn()
        return True

    def get(self, key):
        self._next_turn()


def test_publishing_returns_only_once_the_announcement_is_in_every_subscribers_socket():
    """The writer's next request may reach a worker at once: the announcement must already be there."""
    redis = _RedisTurns()
    pagecache._publish(redis, pagecache.Stamp(42, None))
    assert redis.subscriber_socket == ["42:"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it)")
def test_with_redis_each_announcement_is_there_when_the_writer_goes_on():
    """The same against the real Redis: after each ``_publish`` a subscriber polling without waiting has it."""
    import redis as redis_py

    base = pagecache.current_stamp().generation + 1
    writer = redis_py.Redis.from_url(os.environ["REDIS_URL"])
    subscription = redis_py.Redis.from_url(os.environ["REDIS_URL"]).pubsub()
    subscription.subscribe(pagecache.stamp_channel(writer))
    assert subscription.get_message(timeout=1.0)["type"] == "subscribe"
    try:
        for step in range(500):
            pagecache._publish(writer, pagecache.Stamp(base + step, None))
            message = subscription.get_message(timeout=0)
            assert message is not None and message["data"] == f"{base + step}:".encode(), step
    finally:
        subscription.close()
        writer.delete(redisconn.key(pagecache.STAMP_KEY))
        writer.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI runs it)")
def test_a_site_on_another_redis_database_with_the_same_prefix_is_not_heard(client, make_article):
    """Channels belong to the whole Redis server: another site's stamps (another database number, the same
    key prefix) must neither make our pages misses nor hide our own next stamp."""
    import redis as redis_py

    ours = redisconn.connection()
    settings = ours.connection_pool.connection_kwargs
    database = settings.get("db") or 0
    stranger = redis_py.Redis(host=settings["host"], port=settings["port"], db=(database + 1) % 16)
    assert pagecache.stamp_channel(stranger) != pagecache.stamp_channel(ours)
    make_article("本站的快讯")
    get(client, "/news/")
    assert outcome(get(client, "/news/")) == "hit"
    try:
        far_ahead = pagecache.current_stamp().generation + 10**12
        pagecache._publish(stranger, pagecache.Stamp(far_ahead, None))
        assert outcome(get(client, "/news/")) == "hit"
        make_article("本站的新快讯")
        assert "本站的新快讯" in get(client, "/news/").content.decode()
    finally:
        stranger.delete(redisconn.key(pagecache.STAMP_KEY))
        stranger.close()
