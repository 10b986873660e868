"""CPU of a page-cache miss: home, a 栏目 list and an article, each request a page the worker has not cached.

The path every page takes once per worker after each edit, and that a flood of new URLs takes: measured
in one process through Django's WSGI handler (as gunicorn calls it), production settings (DEBUG off, page
cache on), ``time.process_time()`` around each request. Every request is a miss: the home page with the
worker's page cache emptied before it (the site settings and navigation still remembered: the steady
state), the list on a new page number each time (``?page=2``, ``3``…), the article a new article each time.
On SQLite the figure includes the SQL (same process); on PostgreSQL the database's own CPU is not in it.

Runs on a database made by the search benchmark (10,000 articles of 5–30 KB of realistic text):

    .venv/bin/python bench/search.py --sqlite-file /tmp/hnda_search_bench.sqlite3 --keep-db --no-pages
    .venv/bin/python bench/miss_cpu.py --sqlite-file /tmp/hnda_search_bench.sqlite3
    .venv/bin/python bench/miss_cpu.py --database-url postgres://postgres@127.0.0.1:5432/hnda_search_bench

Target (issue 25): ≤ 8 ms of CPU each. Prints the median and 90th percentile per page and its SQL queries.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
WARM_UP = 5  # requests before measuring (templates compiled, site settings remembered)
TARGET_MS = 8


def measure(requests):
    """In the site's process: CPU ms of each miss, per page kind."""
    sys.path[0] = str(ROOT)  # the site's apps, not bench/search.py, under the name "search"
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from news.models import Article
    from pagecache import cache as pagecache

    handler = WSGIHandler()

    def get(path):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_USER_AGENT": USER_AGENT,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
        }
        statuses = []
        body = b"".join(handler(environ, lambda status, headers, *exc: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"miss-cpu: {path}?{query} answered {statuses[0]}")
        return body

    count = requests + WARM_UP + 1
    articles = list(Article.objects.published().order_by("-published_at").values_list("pk", flat=True)[:count])
    if len(articles) < count:
        raise SystemExit(f"miss-cpu: {count} public articles needed, {len(articles)} found")
    pages = {
        "首页 home": ["/"] * count,
        "栏目列表 list": [f"/news/park-express/?page={number}" for number in range(2, count + 2)],
        "文章 article": [f"/news/{pk}/" for pk in articles],
    }
    results = {}
    for label, paths in pages.items():
        for path in paths[:WARM_UP]:
            pagecache.STORE.clear()
            get(path)
        times = []
        for path in paths[WARM_UP:-1]:
            if label.startswith("首页"):
                pagecache.STORE.clear()
            started = time.process_time()
            get(path)
            times.append((time.process_time() - started) * 1000)
        pagecache.STORE.clear()
        with CaptureQueriesContext(connection) as queries:
            get(paths[-1])
        times.sort()
        results[label] = {
            "median": round(statistics.median(times), 2),
            "p90": round(times[int(len(times) * 0.9)], 2),
            "queries": len(queries),
            "requests": len(times),
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="postgres://… of a database made by bench/search.py --keep-db")
    parser.add_argument("--sqlite-file", help="a SQLite file made by bench/search.py --sqlite-file … --keep-db")
    parser.add_argument("--requests", type=int, default=200, help="measured misses per page (default 200)")
    parser.add_argument("--task", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.task:
        print(json.dumps(measure(options.requests), ensure_ascii=False))
        return
    if bool(options.database_url) == bool(options.sqlite_file):
        parser.error("give --database-url or --sqlite-file")
    database_url = options.database_url or f"sqlite:///{Path(options.sqlite_file).resolve()}"
    with tempfile.TemporaryDirectory(prefix="hnda-miss-cpu-") as static_root:
        env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CONN_MAX_AGE"}}
        env.update(
            DJANGO_SETTINGS_MODULE="hnda_site.settings",
            DEBUG="false",
            SECRET_KEY="bench-only-" + "not-a-secret-" * 4,
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            SECURE_HSTS_SECONDS="0",
            DATABASE_URL=database_url,
            STATIC_ROOT=static_root,
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        load = os.getloadavg()[0]
        done = subprocess.run(
            [sys.executable, __file__, "--task", "--requests", str(options.requests)],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise SystemExit(f"miss-cpu: the measuring process failed:\n{done.stdout}{done.stderr[-3000:]}")
    results = json.loads(done.stdout.splitlines()[-1])
    kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"\nCPU of a page-cache miss on {kind}, {options.requests} misses per page, load average before {load:.2f}:\n"
    )
    print("| page | CPU ms median | 90th percentile | SQL queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, row in results.items():
        print(f"| {label} | {row['median']} | {row['p90']} | {row['queries']} |")
    missed = [label for label, row in results.items() if row["median"] > TARGET_MS]
    print(f"\nover {TARGET_MS} ms (median): {missed}" if missed else f"\nevery page within {TARGET_MS} ms (median)")


if __name__ == "__main__":
    main()
