"""The article view counter: exact, and off the disk-flush path.

With Redis (REDIS_URL), a view is one atomic script in Redis: it adds one to the
article's displayed total and to its pending count, and returns the total, so
the number a visitor sees includes their own view. Pending counts reach the
database in batches, flushed by the site itself: the first counted view after a
second without a flush does it (no cron). A crash of Redis loses at most the
views since the last flush (about a second of them); the totals are then read
again from the database.

Without Redis, or with Redis unreachable, a view is one
``UPDATE … SET view_count = view_count + 1 … RETURNING view_count``: exact, and
cheap on SQLite in WAL mode (no fsync per commit with ``synchronous=NORMAL``).

Counting never invalidates the page cache (``pagecache.quiet()``): the cached
article page holds a placeholder that is replaced by the current count.
"""

import secrets
import time
import uuid

from django.db import connection, transaction

from pagecache import cache as pagecache
from pagecache import redisconn

from .models import Article, is_bot

# Stands in for the count in the cached page; random per process, so no article text can contain it.
PLACEHOLDER = f"view-count-{secrets.token_hex(8)}"

FLUSH_EVERY_MS = 1000
TOTAL_TTL = 3600  # seconds a total lives in Redis before it is read again from the database
PENDING_KEY = "views:pending"
FLUSH_KEY = "views:flushed"
LOCK_KEY = "views:lock"

# KEYS: total, pending, flushed; ARGV: article id, flush interval (ms).
# Returns nil when the total is not in Redis yet, else {total, 1 if this view should flush}.
_COUNT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local total = redis.call('INCR', KEYS[1])
local flush = redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[2])
if flush then return {total, 1} end
return {total, 0}
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_SUBTRACT = """
for i = 1, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1])) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1
"""


def countable(request):
    """A public view: a GET by a visitor (not HEAD, not a bot, not staff previewing)."""
    if request.method != "GET" or is_bot(request.headers.get("User-Agent")):
        return False
    user = getattr(request, "user", None)  # absent on a page-cache hit: an anonymous visitor
    return not (user is not None and user.is_staff)


def views_for(request, article_id):
    """The view count to show this request: counted (and including this view) when ``countable``."""
    return count(article_id) if countable(request) else current(article_id)


def count(article_id):
    """Count one view of the article; return its total including this view."""
    redis = redisconn.connection()
    if redis is not None:
        try:
            total = _count_in_redis(redis, article_id)
            redisconn.succeeded()
            if total is not None:
                return total
        except redisconn.ERRORS as error:
            redisconn.failed(error)
    return _count_in_database(article_id)


def current(article_id):
    """The article's total without counting (database plus the views not flushed yet)."""
    stored = Article.objects.filter(pk=article_id).values_list("view_count", flat=True).first() or 0
    redis = redisconn.connection()
    if redis is None:
        return stored
    try:
        total = redis.get(_total_key(article_id))
        if total is not None:
            return int(total)
        return stored + int(redis.hget(redisconn.key(PENDING_KEY), article_id) or 0)
    except redisconn.ERRORS as error:
        redisconn.failed(error)
        return stored


def flush():
    """Write the pending counts to the database now (returns how many views were written)."""
    redis = redisconn.connection()
    if redis is None:
        return 0
    try:
        with _lock(redis) as locked:
            return _flush(redis) if locked else 0
    except redisconn.ERRORS as error:
        redisconn.failed(error)
        return 0


# -- Redis -------------------------------------------------------------------------------------------


def _total_key(article_id):
    return redisconn.key(f"views:total:{article_id}")


def _count_in_redis(redis, article_id):
    keys = [_total_key(article_id), redisconn.key(PENDING_KEY), redisconn.key(FLUSH_KEY)]
    result = redis.eval(_COUNT, 3, *keys, article_id, FLUSH_EVERY_MS)
    if result is None:
        if not _load_total(redis, article_id):
            return None
        result = redis.eval(_COUNT, 3, *keys, article_id, FLUSH_EVERY_MS)
        if result is None:
            return None
    total, should_flush = result
    if should_flush:
        flush()
    return int(total)


class _lock:
    """The lock that keeps a flush and the loading of a total apart (both read the database)."""

    def __init__(self, redis, attempts=50):
        self.redis, self.attempts, self.token = redis, attempts, uuid.uuid4().hex

    def __enter__(self):
        key = redisconn.key(LOCK_KEY)
        for _ in range(self.attempts):
            if self.redis.set(key, self.token, nx=True, px=5000):
                self.locked = True
                return True
            time.sleep(0.01)  # a flush takes a few milliseconds
        self.locked = False
        return False

    def __exit__(self, *exc):
        if self.locked:
            self.redis.eval(_RELEASE, 1, redisconn.key(LOCK_KEY), self.token)


def _load_total(redis, article_id):
    """Put the article's total in Redis: the database's count plus the pending views."""
    with _lock(redis) as locked:
        if not locked:
            return False
        stored = Article.objects.filter(pk=article_id).values_list("view_count", flat=True).first()
        if stored is None:
            return False
        pending = int(redis.hget(redisconn.key(PENDING_KEY), article_id) or 0)
        redis.set(_total_key(article_id), stored + pending, nx=True, ex=TOTAL_TTL)
        return True


def _flush(redis):
    """Add the pending counts to the database, then subtract them in Redis (the lock is held)."""
    pending = {int(key): int(value) for key, value in redis.hgetall(redisconn.key(PENDING_KEY)).items()}
    pending = {article_id: views for article_id, views in pending.items() if views > 0}
    if not pending:
        return 0
    with transaction.atomic(), pagecache.quiet(), connection.cursor() as cursor:
        table, column = Article._meta.db_table, connection.ops.quote_name("view_count")
        for article_id, views in sorted(pending.items()):
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(table)} SET {column} = {column} + %s WHERE id = %s",  # noqa: S608
                [views, article_id],
            )
    redis.eval(_SUBTRACT, 1, redisconn.key(PENDING_KEY), *[str(item) for pair in pending.items() for item in pair])
    return sum(pending.values())


# -- The database ------------------------------------------------------------------------------------


def _count_in_database(article_id):
    """One atomic ``UPDATE … RETURNING``: never a read-modify-write."""
    table = connection.ops.quote_name(Article._meta.db_table)
    column = f"{table}.{connection.ops.quote_name('view_count')}"
    sql = (
        f"UPDATE {table} SET {connection.ops.quote_name('view_count')} = ({column} + 1) "  # noqa: S608
        f"WHERE {table}.{connection.ops.quote_name('id')} = %s RETURNING {column}"
    )
    with pagecache.quiet(), connection.cursor() as cursor:
        cursor.execute(sql, [article_id])
        row = cursor.fetchone()
    return row[0] if row else 0
