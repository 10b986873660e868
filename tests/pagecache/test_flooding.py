"""Nobody can flood the page cache (issue 19, item 7).

Forged preference cookies and query parameters a page does not read share the clean page's one entry;
the store is bounded in bytes; a flood of distinct URLs neither grows it past the bound nor pushes out
the pages people read.
"""

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from hnda_site.models import SiteSettings
from members.models import Member
from pagecache import cache as pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(request, settings):
    settings.PAGE_CACHE_ENABLED = True
    request.getfixturevalue("_django_db_helper")
    SiteSettings.load()


def outcome(response):
    return response.headers.get("X-Page-Cache")


def test_forged_text_size_cookies_share_the_default_pages_one_entry(client, make_article):
    make_article()
    assert outcome(client.get("/news/")) == "miss"
    for number in range(40):
        client.cookies["fontsize"] = f"bogus{number}"
        client.cookies["contrast"] = f"x{number}"
        response = client.get("/news/")
        assert outcome(response) == "hit"
        assert "a11y-text-" not in response.content.decode()
        assert "a11y-contrast-high" not in response.content.decode()
    assert len(pagecache.STORE) == 1


def test_real_text_size_and_contrast_still_get_their_own_copies(client, make_article):
    make_article()
    client.get("/news/")
    client.cookies["fontsize"] = "large"
    large = client.get("/news/")
    assert outcome(large) == "miss"
    assert "a11y-text-large" in large.content.decode()
    client.cookies["contrast"] = "high"
    assert "a11y-contrast-high" in client.get("/news/").content.decode()
    assert len(pagecache.STORE) == 3


@pytest.mark.parametrize(
    "query", ["utm_source=weixin&utm_medium=social", "x=1", "fbclid=abc", "page=1x&utm_campaign=z", "=&&a"]
)
def test_query_parameters_a_page_does_not_read_share_the_clean_pages_entry(client, make_article, query):
    make_article()
    clean = client.get("/news/")
    response = client.get(f"/news/?{query}")
    assert response.status_code in (200, 404)  # page=1x is not a page number
    if "page=" not in query:
        assert outcome(response) == "hit"
        assert response.content == clean.content
    assert len(pagecache.STORE) == 1


def test_a_page_never_shows_the_parameters_it_dropped(client, make_article):
    """Links built from the request (pagination, the text-size links' way back) are the clean page's."""
    for number in range(25):
        make_article(f"文章{number}")
    body = client.get("/news/?utm_source=weixin&page=2").content.decode()
    assert "utm_source" not in body
    assert "?page=1" in body or 'href="?page=1"' in body or "page=1" in body


def test_parameters_a_page_reads_still_work_and_their_order_does_not_matter(client, make_article):
    for number in range(25):
        make_article(f"文章{number}")
    first, second = client.get("/news/"), client.get("/news/?page=2")
    assert outcome(second) == "miss"
    assert first.content != second.content
    again = client.get("/news/?x=1&page=2&utm_source=a")
    assert outcome(again) == "hit"
    assert again.content == second.content
    assert len(pagecache.STORE) == 2


def test_the_member_filters_and_the_preferences_links_still_read_their_parameters(client):
    Member.objects.create(name="株洲高新技术产业开发区", short_name="株洲高新区", city=Member.City.ZHUZHOU)
    Member.objects.create(name="长沙经济技术开发区", short_name="长沙经开区", city=Member.City.CHANGSHA)
    filtered = client.get(f"/members/?utm_source=a&city={Member.City.ZHUZHOU}").content.decode()
    assert "株洲高新区" in filtered
    assert "长沙经开区" not in filtered
    searched = client.get("/members/?q=%E9%95%BF%E6%B2%99&x=1").content.decode()
    assert "长沙经开区" in searched
    assert "株洲高新区" not in searched
    answer = client.get("/preferences/?fontsize=large&next=/news/&utm_source=a")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/news/"
    assert answer.cookies["fontsize"].value == "large"


def test_the_document_date_and_history_parameters_still_work(client):
    from association.seed import load as load_association

    load_association()
    charter = client.get("/about/charter/?date=1990-01-01&x=1")
    assert charter.status_code == 200
    compare = client.get("/about/charter/history/?a=1&b=2&utm_source=a")
    assert compare.status_code in (302, 200)


# --- A flood of distinct URLs -----------------------------------------------------------------------

PAGE_BYTES = 30_000  # a typical rendered page
NORMAL_PAGES = ["/", "/news/", "/news/1/", "/members/", "/about/charter/"]


def flood_middleware():
    """The page cache in front of a view that renders a page of PAGE_BYTES for any URL (no database)."""

    def render(request):
        response = HttpResponse(b"x" * PAGE_BYTES)
        response["Content-Security-Policy"] = "default-src 'self'"
        return response

    return pagecache.PageCacheMiddleware(render)


def test_a_flood_of_10000_distinct_urls_keeps_the_byte_bound_and_the_normal_pages_hit(settings):
    """Twenty flood URLs (distinct member searches, which the page does read) for every visit of one of
    the five normal pages: a plain LRU of this size would lose every normal page between two of its visits."""
    settings.PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024  # about 65 pages
    middleware = flood_middleware()
    factory = RequestFactory()
    normal_outcomes, largest = [], 0
    for number in range(10_000):
        response = middleware(factory.get(f"/members/?q=flood{number}"))
        assert response.status_code == 200
        largest = max(largest, pagecache.STORE.size)
        if number % 20 == 0:
            path = NORMAL_PAGES[(number // 20) % len(NORMAL_PAGES)]
            normal_outcomes.append(outcome(middleware(factory.get(path))))
    assert largest <= settings.PAGE_CACHE_MAX_BYTES
    after_warm_up = normal_outcomes[2 * len(NORMAL_PAGES) :]
    hit_rate = after_warm_up.count("hit") / len(after_warm_up)
    assert hit_rate >= 0.99, hit_rate
    assert len(pagecache.STORE) * PAGE_BYTES <= settings.PAGE_CACHE_MAX_BYTES


def test_a_flood_of_10000_urls_with_unknown_parameters_makes_no_entry(settings):
    middleware = flood_middleware()
    factory = RequestFactory()
    middleware(factory.get("/news/"))
    outcomes = [outcome(middleware(factory.get(f"/news/?utm_source=s{n}&x={n}"))) for n in range(10_000)]
    assert set(outcomes) == {"hit"}
    assert len(pagecache.STORE) == 1


def test_the_byte_bound_counts_headers_and_bookkeeping(settings):
    settings.PAGE_CACHE_MAX_BYTES = 200_000
    store = pagecache.Store()
    headers = (("Content-Security-Policy", "d" * 2000),)
    entry = pagecache.Entry(1, 1, headers, b"", None, ())
    for number in range(1000):  # empty bodies: only headers and bookkeeping
        store.put(f"/{number}", entry)
    assert store.size <= settings.PAGE_CACHE_MAX_BYTES
    assert len(store) < 100
    assert re.fullmatch(r"\d+", str(store.size))
