"""The article view counter: exact, and off the disk-flush path.

With Redis (REDIS_URL), a view is one atomic script in Redis: it adds one to the
article's displayed total and to its pending count, and returns the total, so
the number a visitor sees includes their own view. Pending counts reach the
database in batches, flushed by the site itself: the first counted view after a
second without a flush does it (no cron). A crash of Redis loses at most the
views since the last flush (about a second of them); the totals are then read
again from the database. A total lives a minute in Redis: views counted in the
database while Redis was out of reach, or a total restored from an old snapshot,
show within a minute. When Redis does not answer in time, the view may still be
counted there once it does (a hang): it is then not counted in the database too.

Without Redis, or with Redis unreachable, a view is one
``UPDATE … SET view_count = view_count + 1 … RETURNING view_count``: exact, and
cheap on SQLite in WAL mode (no fsync per commit with ``synchronous=NORMAL``).

Each worker gathers its views for ``VIEW_COUNT_BATCH_SECONDS`` (a second by default) and sends them
together: a view within that time is counted in the worker's memory, with no call to Redis or the
database (on a page-cache hit the call was most of the cost: 0.61× the bare Django view). The number a
visitor sees includes their own view and every view this worker counted; views counted by the other
workers show from this worker's next send (within the second). The first view of an article since the
last send is sent at once, with the rest; a timer sends what is left when no view comes, and a worker
that stops sends its views as it goes. A worker killed outright loses at most its last second of views.
``VIEW_COUNT_BATCH_SECONDS=0``: each view is sent at once (the tests' default).

Counting never invalidates the page cache (``pagecache.quiet()``): the cached
article page holds a placeholder that is replaced by the current count.
"""

import atexit
import logging
import secrets
import threading
import time
import uuid

from django.conf import settings
from django.db import connection, connections, transaction
from redis.exceptions import TimeoutError as RedisTimeoutError

from pagecache import cache as pagecache
from pagecache import redisconn

from .models import Article, is_bot

logger = logging.getLogger(__name__)

# Stands in for the count in the cached page; random per process, so no article text can contain it.
PLACEHOLDER = f"view-count-{secrets.token_hex(8)}"

FLUSH_EVERY_MS = 1000
TOTAL_TTL = 60  # seconds a total lives in Redis before it is read again from the database
PENDING_KEY = "views:pending"
FLUSH_KEY = "views:flushed"
LOCK_KEY = "views:lock"

# KEYS: total, pending, flushed; ARGV: article id, flush interval (ms), views.
# Returns nil when the total is not in Redis yet, else {total, 1 if this call should flush}.
_COUNT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[3])
local total = redis.call('INCRBY', KEYS[1], ARGV[3])
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
    """Count one view of the article; return its total including this view (see the module docstring:
    the views of one batch go to Redis or the database together)."""
    window = settings.VIEW_COUNT_BATCH_SECONDS
    if window <= 0:
        return _send_views(article_id, 1)
    with _batch.lock:
        if article_id in _batch.shown and time.monotonic() - _batch.sent_at < window:
            _batch.pending[article_id] = _batch.pending.get(article_id, 0) + 1
            _batch.shown[article_id] += 1
            _batch.start_timer(window)
            return _batch.shown[article_id]
    return send_batch(include=article_id)


class _Batch:
    """This worker's views not sent yet, and the totals it shows until its next send."""

    def __init__(self):
        self.lock = threading.Lock()  # pending, shown, sent_at, timer
        self.sending = threading.Lock()  # one send at a time
        self.pending = {}  # article id -> views counted here since the last send
        self.shown = {}  # article id -> its total at the last send, plus the views counted here since
        self.sent_at = 0.0
        self.timer = None

    def start_timer(self, window):
        """Send the pending views after ``window`` seconds if no view sends them first (lock held)."""
        if self.timer is None:
            self.timer = threading.Timer(window, _send_on_timer)
            self.timer.daemon = True
            self.timer.start()


_batch = _Batch()


def send_batch(include=None):
    """Send this worker's pending views (and one more view of ``include``); return ``include``'s total."""
    with _batch.sending:
        with _batch.lock:
            pending, _batch.pending = _batch.pending, {}
            # Until the totals come back, a view waits for them and is sent next: counted on the totals
            # of the last send, it would show the number this send's own view gets.
            _batch.sent_at = 0.0
            if _batch.timer is not None:
                _batch.timer.cancel()
                _batch.timer = None
        if include is not None:
            pending[include] = pending.get(include, 0) + 1
        totals, unsent = {}, dict(sorted(pending.items()))
        try:
            for article_id, views in list(unsent.items()):
                totals[article_id] = _send_views(article_id, views)
                del unsent[article_id]
        finally:
            with _batch.lock:
                for article_id, views in unsent.items():  # the database is out: kept for the next send
                    _batch.pending[article_id] = _batch.pending.get(article_id, 0) + views
                _batch.shown = {
                    article_id: total + _batch.pending.get(article_id, 0) for article_id, total in totals.items()
                }
                _batch.sent_at = time.monotonic()
                if _batch.pending:  # kept after a failure: tried again by the timer if no view comes
                    _batch.start_timer(max(settings.VIEW_COUNT_BATCH_SECONDS, 1))
    return totals.get(include)


def reset():
    """Forget this worker's batch, its views unsent (tests: the database was rolled back under it)."""
    with _batch.lock:
        if _batch.timer is not None:
            _batch.timer.cancel()
        _batch.pending, _batch.shown, _batch.sent_at, _batch.timer = {}, {}, 0.0, None


def _send_on_timer():
    try:
        send_batch()
    except Exception:
        logger.exception("view counter: the views of this worker could not be sent")
    finally:
        connections.close_all()  # this thread's own connections


atexit.register(lambda: _batch.pending and send_batch())  # a worker that stops sends its views


def _send_views(article_id, views):
    """Count ``views`` views of the article in Redis, or in the database; return its total."""
    redis = redisconn.connection()
    if redis is not None:
        try:
            total = _count_in_redis(redis, article_id, views)
            redisconn.succeeded()
            if total is not None:
                return total
        except redisconn.ERRORS as error:
            redisconn.failed(error)
            if _may_have_run(error):
                # Sent, no answer: a hung Redis runs the script when it wakes up. Counting in the
                # database as well would count the view twice; show the count without it.
                return current(article_id)
    return _count_in_database(article_id, views)


def _may_have_run(error):
    """Whether Redis may still run the command that failed with ``error`` (sent, but no answer in time).

    redis-py raises TimeoutError both for a connection it could not open (nothing was sent) and for
    an answer that did not come; only the message tells them apart.
    """
    return isinstance(error, RedisTimeoutError) and not str(error).startswith("Timeout connecting")


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
    """Send this worker's views, and write the pending counts of Redis to the database now (returns how
    many views were written from Redis)."""
    if _batch.pending:
        send_batch()
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


def _count_in_redis(redis, article_id, views=1):
    keys = [_total_key(article_id), redisconn.key(PENDING_KEY), redisconn.key(FLUSH_KEY)]
    result = redis.eval(_COUNT, 3, *keys, article_id, FLUSH_EVERY_MS, views)
    if result is None:
        if not _load_total(redis, article_id):
            return None
        result = redis.eval(_COUNT, 3, *keys, article_id, FLUSH_EVERY_MS, views)
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


def _count_in_database(article_id, views=1):
    """One atomic ``UPDATE … RETURNING``: never a read-modify-write."""
    table = connection.ops.quote_name(Article._meta.db_table)
    column = f"{table}.{connection.ops.quote_name('view_count')}"
    sql = (
        f"UPDATE {table} SET {connection.ops.quote_name('view_count')} = ({column} + %s) "  # noqa: S608
        f"WHERE {table}.{connection.ops.quote_name('id')} = %s RETURNING {column}"
    )
    with pagecache.quiet(), connection.cursor() as cursor:
        cursor.execute(sql, [views, article_id])
        row = cursor.fetchone()
    return row[0] if row else 0
