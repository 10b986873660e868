"""Fixtures shared by every test module (browser tests add theirs in e2e/conftest.py)."""

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from hnda_site.seeding import load_all
from news import viewcounter
from news.models import Article, Category
from pagecache import cache as pagecache

BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"


# Every test runs on a clock frozen at this moment (and ticking from it), never on today's date.
# .ci/run runs the suite a second time with HNDA_TEST_NOW set years away, to prove it.
TEST_NOW = datetime.fromisoformat(os.environ.get("HNDA_TEST_NOW", "2026-11-20T09:30:00+08:00"))


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """Start every test's clock at TEST_NOW (time still passes, so timeouts and "a second later" work).

    Tests marked ``real_clock`` talk to processes of their own (gunicorn, nginx, a mock S3 server) that
    read the machine's clock; they must not compare dates, only what those processes answer."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files go to a temporary folder; no cached value, and no language a request to an English
    page activated (it stays active in the test's thread), leaks between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VIEW_COUNT_BATCH_SECONDS = 0  # each view sent at once; tests/test_view_counter.py batches
    cache.clear()
    pagecache.reset()
    viewcounter.reset()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    pagecache.reset()
    viewcounter.reset()


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request to /en/ leaves English active in this thread; the next test starts in Chinese again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client():
    """A test client that looks like a visitor's browser (crawlers are not counted)."""
    return Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)


@pytest.fixture
def staff_client(admin_user):
    client = Client(HTTP_USER_AGENT=BROWSER_USER_AGENT)
    client.force_login(admin_user)
    return client


@pytest.fixture
def seeded(db):
    """The site's real initial content (the seed loader); in browser tests on a transactional database."""
    return load_all()


@pytest.fixture
def category(db):
    return Category.objects.create(name="园区快讯", english_name="PARK EXPRESS", slug="park-express", order=1)


@pytest.fixture
def make_article(category):
    """Create a published article; ``days_ago`` sets its 发布时间 relative to now."""

    def make(title="测试文章", days_ago=1, **fields):
        fields.setdefault("category", category)
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("body", f"<p>{title}的正文。</p>")
        fields.setdefault("published_at", timezone.now() - timedelta(days=days_ago))
        return Article.objects.create(title=title, **fields)

    return make
