"""Two gunicorn workers on a scratch database: a change made through the ORM is on the next request of both.

The default configuration (SQLite, no Redis) always; the same with Redis when REDIS_URL is set.
Staff edits come from a separate process (tests/scratch/editor.py), as from the admin of
another app server. No fixed sleeps: requests are made until both workers have answered.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import BROWSER_USER_AGENT

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_URL = os.environ.get("REDIS_URL", "")
VARIANTS = ["database", pytest.param("redis", marks=pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL"))]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(database, redis_url, prefix):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.scratch.settings",
        SECRET_KEY="two-workers-test-" + "x" * 40,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite file, copied for each variant."""
    database = tmp_path_factory.mktemp("two-workers") / "template.sqlite3"
    env = site_env(database, "", "unused")
    command = [sys.executable, "manage.py", "migrate", "--noinput"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    return database


class Editor:
    """The editor process: ``run(code)`` executes Python there and returns its ``result``."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.scratch.editor"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, code):
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        assert "error" not in reply, reply["error"]
        return reply["result"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Site:
    def __init__(self, env, log):
        self.port = free_port()
        self.log = log.open("w")
        command = [str(GUNICORN), "tests.scratch.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "2", "--log-level", "warning"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                self.get("/robots.txt")
                return
            except OSError:
                time.sleep(0.1)  # gunicorn is starting
        raise AssertionError("gunicorn did not answer")

    def get(self, path, method="GET"):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request(method, quote(path, safe="/?=&"), headers={"User-Agent": BROWSER_USER_AGENT})
            response = connection.getresponse()
            return response.status, response.getheader("X-Worker"), response.read().decode()
        finally:
            connection.close()

    def get_many(self, path, clients=8):
        """Concurrent GETs (at least 16) until both workers have answered; all must be 200s."""
        replies = []
        with ThreadPoolExecutor(clients) as pool:
            while len({worker for _, worker, _ in replies}) < 2 or len(replies) < 16:
                assert len(replies) < 400, "only one worker answered"
                replies += pool.map(lambda _: self.get(path), range(clients))
        assert {status for status, _, _ in replies} == {200}
        return [body for _, _, body in replies]

    def stop(self):
        self.process.send_signal(signal.SIGQUIT)  # quick shutdown
        self.process.wait(timeout=15)
        self.log.close()


@pytest.fixture(params=VARIANTS)
def scratch(request, migrated, tmp_path):
    database = tmp_path / "site.sqlite3"
    shutil.copy(migrated, database)
    prefix = f"two-workers-{uuid.uuid4().hex}"
    env = site_env(database, REDIS_URL if request.param == "redis" else "", prefix)
    site = Site(env, tmp_path / "gunicorn.log")
    editor = Editor(env)
    yield site, editor
    editor.close()
    site.stop()
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


@pytest.mark.real_clock
def test_every_change_is_on_the_next_request_of_both_workers(scratch):
    site, editor = scratch
    article_id = editor.run(
        "category = Category.objects.create(name='园区快讯', slug='park-express')\n"
        "result = Article.objects.create(title='初始标题', category=category, status='published').pk"
    )
    article = f"/news/{article_id}/"
    for path in ("/", "/news/", article):
        assert all("初始标题" in body for body in site.get_many(path))

    editor.run(f"a = Article.objects.get(pk={article_id}); a.title = '保存后的标题'; a.save()")
    for path in ("/", "/news/", article):
        assert all("保存后的标题" in body for body in site.get_many(path))

    editor.run(f"Article.objects.filter(pk={article_id}).update(title='批量操作后的标题')")
    assert all("批量操作后的标题" in body for body in site.get_many("/news/"))

    editor.run("s = SiteSettings.load(); s.welcome = '欢迎语已改'; s.save()")
    assert all("欢迎语已改" in body for body in site.get_many("/"))

    # A scheduled article: absent until its 发布时间, then on both workers, with no cron.
    publish_at = editor.run(
        "from datetime import timedelta\n"
        "at = timezone.now() + timedelta(seconds=2)\n"
        "Article.objects.create(title='定时发布的快讯', category_id=1, status='published', published_at=at)\n"
        "result = at.timestamp()"
    )
    while time.time() < publish_at - 0.3:
        assert all("定时发布的快讯" not in body for body in site.get_many("/news/"))
    while time.time() < publish_at:
        site.get("/robots.txt")  # the moment is near: wait for it by asking the site
    assert all("定时发布的快讯" in body for body in site.get_many("/news/"))

    editor.run(f"Article.objects.filter(pk={article_id}).delete()")
    assert all("批量操作后的标题" not in body for body in site.get_many("/news/"))
    assert site.get(article)[0] == 404

    # Views through both workers (cache hits included) are counted exactly; HEAD is not counted.
    hot = editor.run("result = Article.objects.create(title='热门快讯', category_id=1, status='published').pk")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: site.get(f"/news/{hot}/")[0], range(200)))
    assert statuses == [200] * 200
    assert site.get(f"/news/{hot}/", method="HEAD")[0] == 200
    # Each worker sends its views within a second (VIEW_COUNT_BATCH_SECONDS): read until they are all in.
    read = f"viewcounter.flush(); result = Article.objects.get(pk={hot}).view_count"
    deadline = time.monotonic() + 10
    while (stored := editor.run(read)) < 200 and time.monotonic() < deadline:
        site.get("/robots.txt")  # a moment: ask the site rather than sleep
    assert stored == 200

    # 8 x 300 concurrent views on this SQLite file (and Redis): every one counted.
    counted = editor.run(
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from django.db import connections\n"
        "def visitor(_):\n"
        "    try:\n"
        f"        return [viewcounter.count({hot}) for _ in range(300)]\n"
        "    finally:\n"
        "        connections.close_all()\n"
        "with ThreadPoolExecutor(8) as pool:\n"
        "    totals = [total for batch in pool.map(visitor, range(8)) for total in batch]\n"
        "viewcounter.flush()\n"
        f"result = [sorted(totals) == list(range(201, 2601)), Article.objects.get(pk={hot}).view_count]"
    )
    assert counted == [True, 2600]  # in one worker each view got its own number, and none was lost
