"""Worker memory under a flood of distinct URLs (issue 19, item 7; issue 25: ≤ 120 MB per worker).

Starts the site under gunicorn (production settings, a throw-away SQLite database with the initial
content, no Redis unless ``--redis-url``), then sends, from 4 client threads on 127.0.0.1:
1. 10,000 URLs with a parameter no page reads (``/news/?utm_source=flood…``): all one cache entry;
2. 10,000 distinct URLs with a parameter the page does read (``--flood-path``, by default the charter on
   a "day" ``/about/charter/?date=flood…``, which renders the current version with a notice; or
   ``/members/?q=flood…``, slower): a render and an entry each, and between every 20 of them one of the
   normal pages (their hit rate is reported);
3. 10,000 forged text-size cookies on the home page: the default page's one entry.
Prints the RSS of each gunicorn worker before and after each flood, and what the page cache answered.

    .venv/bin/python bench/flood.py [--workers 2] [--count 10000] [--max-mb 24]
"""

import argparse
import http.client
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from run import (
    BROWSER_USER_AGENT,
    ROOT,
    clear_redis,
    django_env,
    free_port,
    log,
    run_checked,
    start_gunicorn,
    stop_gunicorn,
    worker_memory,
)

NORMAL = ["/", "/news/", "/about/charter/", "/members/", "/about/intro/"]


def get(port, path, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": BROWSER_USER_AGENT, "Accept-Language": "zh-CN"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Page-Cache") or "-"
    finally:
        connection.close()


def flood(port, count, make, normal_every=0):
    """``make(n)`` → (path, cookie) for n in range(count), from 4 threads; returns Counters."""
    outcomes, normal, lock = Counter(), Counter(), threading.Lock()

    def client(first):
        for number in range(first, count, 4):
            path, cookie = make(number)
            result = get(port, path, cookie)
            with lock:
                outcomes[result] += 1
            if normal_every and number % normal_every == 0:
                result = get(port, NORMAL[(number // normal_every) % len(NORMAL)])
                with lock:
                    normal[result] += 1

    threads = [threading.Thread(target=client, args=(first,)) for first in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, normal


def show(label, server):
    memory = worker_memory(server.pid)
    log(f"{label}: workers' RSS (MiB) {memory['workers_rss_mib']}")
    return memory


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--max-mb", default="24", help="PAGE_CACHE_MAX_MB")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--flood-path", default="/about/charter/?date=flood", help="flood 2: this plus a number")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hnda-flood-"))
    env = django_env(f"sqlite:///{tmp / 'db.sqlite3'}", tmp / "static", tmp / "media", args.redis_url)
    env["PAGE_CACHE_MAX_MB"] = args.max_mb
    for command in (["migrate", "--noinput"], ["load_seed"], ["collectstatic", "--noinput"]):
        run_checked([sys.executable, "manage.py", *command], env, " ".join(command))
    port = free_port()
    server = start_gunicorn("hnda_site.wsgi", env, port, args.workers, 1, tmp / "gunicorn.log")
    try:
        for _ in range(10):
            for path in NORMAL:
                get(port, path)
        show("after warming the normal pages", server)
        outcomes, _ = flood(port, args.count, lambda n: (f"/news/?utm_source=flood{n}&x={n}", None))
        log(f"1. {args.count} URLs with unread parameters: {dict(outcomes)}")
        show("after flood 1", server)
        outcomes, normal = flood(port, args.count, lambda n: (f"{args.flood_path}{n}", None), normal_every=20)
        log(f"2. {args.count} distinct {args.flood_path}…: {dict(outcomes)}; normal pages meanwhile: {dict(normal)}")
        show("after flood 2", server)
        outcomes, _ = flood(port, args.count, lambda n: ("/", f"fontsize=flood{n}; contrast=x{n}"))
        log(f"3. {args.count} forged text-size cookies: {dict(outcomes)}")
        show("after flood 3", server)
    finally:
        stop_gunicorn(server)
        if args.redis_url:
            clear_redis(args.redis_url)
    log(f"gunicorn log: {tmp / 'gunicorn.log'}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
