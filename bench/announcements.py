"""Is a new page-cache stamp in every worker's socket when the writer goes on? (``pagecache._publish``)

A worker serving a hit only polls its subscription to the stamp's announcements, without waiting. The
writer's next request may reach a worker at once, so the announcement must already be in that worker's
socket when ``_publish`` returns. Redis answers the announcing script before it writes to the subscribers,
so ``_publish`` waits for one more answer (a PING). This measures both ways: a "worker" process subscribes;
the writer publishes ``--count`` stamps through ``_publish`` and after each one tells the worker, which polls
without waiting and counts a miss when the announcement is not there yet. ``--busy N`` keeps N processes
spinning meanwhile, as CI's parallel passes keep both cores busy.

    .venv/bin/python bench/announcements.py [--redis-url redis://127.0.0.1:6379/12] [--count 20000] [--busy 6]
"""

import argparse
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(redis_url, prefix):
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="hnda_site.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "not-a-secret-" * 4,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL="sqlite:///:memory:",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def worker(redis_url, prefix, pipe, count):
    """Subscribe as a gunicorn worker does; after each "published", poll once without waiting."""
    setup(redis_url, prefix)
    import redis

    from pagecache import cache as pagecache

    client = redis.Redis.from_url(redis_url)
    subscription = client.pubsub()
    subscription.subscribe(pagecache.stamp_channel(client))
    subscription.get_message(timeout=1.0)  # the confirmation
    pipe.send("ready")
    misses = 0
    for _ in range(count):
        pipe.recv()
        if subscription.get_message(timeout=0) is None:
            misses += 1
            subscription.get_message(timeout=5.0)  # it does come, later
        pipe.send("seen")
    pipe.send(misses)


class WithoutConfirmation:
    """The client as ``_publish`` used it before: the script's answer taken as the end."""

    def __init__(self, client):
        self.client = client
        self.connection_pool = client.connection_pool

    def eval(self, *args):
        return self.client.eval(*args)

    def ping(self):
        return True


def spin(until):
    while time.monotonic() < until:
        pass


def measure(redis_url, prefix, count, confirmed):
    import redis

    from pagecache import cache as pagecache

    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.Process(target=worker, args=(redis_url, prefix, theirs, count), daemon=True)
    process.start()
    ours.recv()
    client = redis.Redis.from_url(redis_url)
    writer = client if confirmed else WithoutConfirmation(client)
    generation = time.time_ns() // 1000
    for step in range(count):
        pagecache._publish(writer, pagecache.Stamp(generation + step, None))
        ours.send("published")
        ours.recv()
    misses = ours.recv()
    process.join()
    client.close()
    return misses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--busy", type=int, default=6, help="processes spinning meanwhile (0: a quiet machine)")
    options = parser.parse_args()
    prefix = f"bench-announcements-{uuid.uuid4().hex}"
    setup(options.redis_url, prefix)
    import redis

    busy = [
        multiprocessing.Process(target=spin, args=(time.monotonic() + 3600,), daemon=True) for _ in range(options.busy)
    ]
    for process in busy:
        process.start()
    try:
        for confirmed in (False, True):
            started = time.monotonic()
            misses = measure(options.redis_url, prefix, options.count, confirmed)
            way = "with the PING (as now)" if confirmed else "without it (as before)"
            print(
                f"{way}: the worker missed {misses} of {options.count} announcements "
                f"({time.monotonic() - started:.1f} s, {options.busy} busy processes)",
                flush=True,
            )
    finally:
        for process in busy:
            process.terminate()
        client = redis.Redis.from_url(options.redis_url)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


if __name__ == "__main__":
    main()
