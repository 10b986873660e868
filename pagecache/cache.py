"""Anonymous pages served from memory, and never stale.

How it works
------------
``PageCacheMiddleware`` sits at the top of the middleware stack. An anonymous
GET (no session cookie, no pending message) of a public page is answered from a
small in-process store when the stored copy was rendered under the current
**generation stamp**; otherwise the page is rendered as usual and stored.

The stamp is shared by every worker and app server: a Redis key when REDIS_URL
is set, otherwise one row of the database (``PageCacheStamp``; reading it is the
one SQL query of a cache hit). Besides the generation it carries the time of the
next scheduled change (e.g. the earliest future 发布时间), so a scheduled article
appears on time with no cron: the first request after that moment moves the
stamp on.

THE HOOK: ``invalidate()``
--------------------------
Any change that alters a public page must call ``invalidate()``. Writes to the
database tables of the content apps (``PAGE_CACHE_CONTENT_APPS``: news,
association, members, hnda_site, and every model added to them later) already
do, whatever issued them: ``save()``, ``delete()``, ``QuerySet.update()``,
``bulk_create()``, ``bulk_update()``, admin actions, imports, raw SQL. They are
seen at the SQL level (a database execute wrapper), so no model, queryset or
signal needs to remember anything. Call ``invalidate()`` yourself only for a
change outside those tables (a file, another app's table, a setting) that a
public page shows; register a function with ``register_schedule()`` if pages
change by themselves at a known time.

A write bumps this process's own epoch at once (so the same process never
serves a stale copy, even inside an open transaction) and the shared stamp
when its transaction commits (once per transaction).

Writes that must NOT invalidate (the view counter) run inside ``quiet()``.

Other tools
-----------
``per_request(response, placeholder, value, fill)``: a part of a cached page that
differs per visitor (the view count). ``memoize(name, compute)``: a value kept per
process until content changes (the site settings). ``clear()``: what
``manage.py clear_page_cache`` does. Never stored: see ``PageCacheMiddleware.cacheable``.

Outages and floods
------------------
When the stamp cannot be read (the database is out and Redis holds no copy), or rendering a page whose
copy is out of date fails with the app's 503, the last good copy is served, marked ``X-Page-Cache: stale``.
Keys hold only what a page depends on: the query parameters its view declares (``reads_query``; the
others are dropped from the request before the view runs) and what the preference cookies mean
(``PAGE_CACHE_VARIANT``). The store is bounded in bytes (``Store``).
"""

import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager, suppress
from functools import cache
from itertools import count
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections, transaction
from django.db.transaction import TransactionManagementError
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.http.response import ResponseHeaders
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from . import redisconn

logger = logging.getLogger(__name__)

STAMP_KEY = "pagecache:stamp"
STAMP_TTL = 60  # seconds the Redis copy of the stamp lives before it is read again from the database
# Every new stamp is also announced on this Redis channel (``stamp_channel``); each worker listens (``_Watch``).
STAMP_CHANNEL = "pagecache:stamp:announced"
# Seconds a stamp learnt from the announcements is used before the key is read again (the safety net
# for an announcement lost with a dropped connection, or a key that expired meanwhile).
RESYNC_AFTER = 1.0

# -- The hook ------------------------------------------------------------------------------------

_epochs = count(1)
_local = {"epoch": next(_epochs)}
_quiet = threading.local()
_request = threading.local()  # the stamp read for the current request
_deferred = threading.local()  # a SQLite autocommit write waiting for its statement to finish
_memo = {}
_schedules = []


def invalidate(using=DEFAULT_DB_ALIAS):
    """Make every cached page stale: in this process now, on every server when the transaction commits.

    Called automatically for every write to a content app's tables (see the module docstring).
    """
    _local["epoch"] = next(_epochs)
    connection = connections[using]
    if connection.in_atomic_block and any(func is _bump_shared for _, func, _ in connection.run_on_commit):
        return  # this transaction will already move the shared stamp on when it commits
    try:
        transaction.on_commit(_bump_shared, using=using, robust=True)
    except TransactionManagementError:  # manual transaction management: no commit hook
        _bump_shared()


def _invalidate_after_statement(connection, cursor, sql):
    """A write in autocommit mode is committed when its statement is done.

    SQLite's ``INSERT … RETURNING`` is done only once its row has been fetched, after
    the execute wrapper returns: the shared stamp then moves on when the cursor is
    closed (or, failing that, before the next statement, at the end of the request
    or when the process exits).
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block and "RETURNING" in sql.upper():
        _local["epoch"] = next(_epochs)
        _deferred.pending = True
        close = cursor.close

        def close_then_invalidate():
            try:
                close()
            finally:
                run_deferred()

        cursor.close = close_then_invalidate
    else:
        invalidate(using=connection.alias)


def run_deferred():
    """Move the shared stamp on for a write whose statement has finished since (see above)."""
    if getattr(_deferred, "pending", False):
        _deferred.pending = False
        _bump_shared()


def register_schedule(next_change):
    """Register ``next_change()``: the next aware datetime at which public pages change by themselves, or None.

    News registers the earliest future 发布时间 of a published article.
    """
    _schedules.append(next_change)
    return next_change


@contextmanager
def quiet():
    """Writes inside this block do not invalidate (for counters that pages do not show from the cache)."""
    previous = getattr(_quiet, "active", False)
    _quiet.active = True
    try:
        yield
    finally:
        _quiet.active = previous


def clear():
    """Empty the page cache of every worker and server (``manage.py clear_page_cache``)."""
    STORE.clear()
    invalidate()


def reset():
    """Forget everything this process holds (tests: the database was rolled back under it)."""
    STORE.clear()
    _memo.clear()
    _highest["generation"] = 0
    _local["epoch"] = next(_epochs)
    _watch.reset()
    redisconn.reset()


def memoize(name, compute):
    """``compute()`` once per process until content changes: for values that change only by database writes.

    Keyed by the same stamp as the pages (read once per request: by the middleware, or by the first
    memoized value of a page it does not cache, such as search), so a value read from a content table
    (the site settings) is never older than the page. Kept per language: a value may hold translated
    text (the 友情链接 group names), which must not pass from one language's pages to the other's.
    """
    if not settings.PAGE_CACHE_ENABLED:
        return compute()
    try:
        stamp = getattr(_request, "stamp", None)
        if stamp is None:
            stamp = current_stamp()
            if getattr(_request, "active", False):
                _request.stamp = stamp  # the rest of this request needs no second read
    except Error:  # the stamp cannot be read: do not remember anything
        return compute()
    epoch = _local["epoch"]
    key = (name, translation.get_language())
    memo = _memo.get(key)
    if memo is not None and memo[0] == stamp.generation and memo[1] == epoch:
        return memo[2]
    value = compute()
    _memo[key] = (stamp.generation, epoch, value)
    return value


# -- The shared generation stamp -------------------------------------------------------------------


class Stamp(NamedTuple):
    generation: int
    next_change_us: int | None  # microseconds since the epoch; None when nothing is scheduled

    def expired(self):
        return self.next_change_us is not None and time.time_ns() // 1000 >= self.next_change_us

    def encode(self):
        return f"{self.generation}:{self.next_change_us or ''}"

    @classmethod
    def decode(cls, raw):
        generation, _, next_change = raw.decode().partition(":")
        return cls(int(generation), int(next_change) if next_change else None)


_PUBLISH = """
local current = redis.call('GET', KEYS[1])
if current then
  local generation = tonumber(string.match(current, '^(%d+)'))
  if generation and generation > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[2])
return 1
"""
_highest = {"generation": 0}


def _stamp_table():
    from .models import PageCacheStamp

    return PageCacheStamp._meta.db_table


def _read_database_stamp():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT generation, next_change_us FROM {_stamp_table()} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return Stamp(*row) if row else Stamp(0, None)


def stamp_channel(redis):
    """The channel of the stamp's announcements for the Redis database that ``redis`` uses.

    Keys belong to one Redis database, channels to the whole server: two sites sharing a Redis server under
    different database numbers and the same key prefix heard each other's stamps. A stranger's newer stamp
    made every cached page a miss, and when its clock ran ahead, this site's own next stamp (lower) was
    ignored for up to ``RESYNC_AFTER``: a page out of date for that long. (It failed a run of ``.ci/run``,
    whose parallel passes use Redis databases 14 and 15.) The database's number in the name keeps each site
    to its own.
    """
    database = redis.connection_pool.connection_kwargs.get("db") or 0
    return f"{redisconn.key(STAMP_CHANNEL)}:db{database}"


def _publish(redis, stamp):
    """Copy ``stamp`` to Redis and announce it, unless Redis already holds a newer one (generations only go
    forward); return once the announcement is on its way to every worker.

    Redis answers the script before it writes the announcement to the subscribers (each turn of its event
    loop writes the replies it queued, the newest first), so a worker busy on another core could be asked
    for the page between the two writes and not see the change yet (``bench/announcements.py``: 5 misses
    in 20,000 on a quiet machine, 1,073 in 2,000 while CI ran; none with the PING).
    A second command is read only on the next turn, after those writes: its answer means every worker's
    socket already holds the announcement.
    """
    keys = (redisconn.key(STAMP_KEY), stamp_channel(redis))
    redis.eval(_PUBLISH, 2, *keys, stamp.generation, stamp.encode(), STAMP_TTL)
    redis.ping()


class _Watch:
    """This process's subscription to the stamp's announcements: a cache hit costs no round trip to Redis.

    Reading the stamp key on every request was a Redis round trip per page, which measured at about a
    third of the throughput of a bare view on this 2-core machine. Instead each worker subscribes to
    ``stamp_channel`` (subscribing before it first reads the key, so no announcement after that read is
    missed) and, per request, only polls its own socket without waiting: the writer returns only once
    Redis has written the announcement to every subscriber (``_publish``), so it is in that socket before
    the writer's next request can reach any worker.
    The key is read again after ``RESYNC_AFTER`` seconds, and at once after any error.
    """

    def __init__(self):
        self.pubsub = self.owner = self.stamp = None
        self.synced_at = 0.0

    def reset(self):
        if self.pubsub is not None:
            with suppress(redisconn.ERRORS):
                self.pubsub.close()
        self.__init__()

    def stamp_without_asking(self, redis):
        """The newest announced stamp, or None when the key must be read (then call ``learn``)."""
        owner = (os.getpid(), id(redis.connection_pool), stamp_channel(redis))
        if self.owner != owner:
            self.reset()
            pubsub = redis.pubsub()
            pubsub.subscribe(owner[2])
            confirmation = pubsub.get_message(timeout=1.0)
            if not confirmation or confirmation["type"] != "subscribe":
                pubsub.close()
                raise RedisError("no confirmation of the subscription to the stamp's announcements")
            self.pubsub, self.owner = pubsub, owner
        while (message := self.pubsub.get_message(timeout=0)) is not None:
            if message["type"] == "message":
                announced = Stamp.decode(message["data"])
                if self.stamp is None or announced.generation > self.stamp.generation:
                    self.stamp = announced
        if self.stamp is None or time.monotonic() - self.synced_at >= RESYNC_AFTER:
            return None
        return self.stamp

    def learn(self, stamp):
        if self.stamp is None or stamp.generation >= self.stamp.generation:
            self.stamp = stamp
        self.synced_at = time.monotonic()


_watch = _Watch()


def current_stamp():
    """The shared stamp: from Redis when it answers, else from the database (a database error propagates)."""
    run_deferred()
    redis = redisconn.connection()
    if redis is not None:
        try:
            stamp = _watch.stamp_without_asking(redis)
            # Lower than one this process saw: a bump of its own not announced yet; read the key.
            if stamp is not None and stamp.generation >= _highest["generation"]:
                return stamp
            raw = redis.get(redisconn.key(STAMP_KEY))
            redisconn.succeeded()
            if raw is not None:
                stamp = Stamp.decode(raw)
                # Lower than one this process saw: Redis missed a bump while it was unreachable.
                if stamp.generation >= _highest["generation"]:
                    _highest["generation"] = stamp.generation
                    _watch.learn(stamp)
                    return stamp
        except redisconn.ERRORS as error:
            _watch.reset()
            redisconn.failed(error)
            redis = None
    stamp = _read_database_stamp()
    _highest["generation"] = max(_highest["generation"], stamp.generation)
    if redis is not None:
        try:
            _publish(redis, stamp)
        except redisconn.ERRORS as error:
            redisconn.failed(error)
    return stamp


def next_scheduled_change():
    """The earliest time any registered schedule changes a public page by itself, or None."""
    moments = [moment for moment in (next_change() for next_change in _schedules) if moment is not None]
    return min(moments, default=None)


# While `migrate` runs, writes do not move the stamp on: its table may not exist yet (a new database).
_migration = {"running": False, "wrote": False}


def migration_started(sender, **kwargs):
    """``pre_migrate`` receiver."""
    _migration["running"] = True


def migration_finished(sender, using="default", **kwargs):
    """``post_migrate`` receiver: the stamp moves on once if the migrations wrote content."""
    if not _migration["running"]:
        return
    _migration["running"] = False
    if not _migration["wrote"]:
        return
    _migration["wrote"] = False
    with connections[using].cursor() as cursor:
        tables = connections[using].introspection.table_names(cursor)
    if _stamp_table() in tables:  # not after `migrate pagecache zero` or a partial migrate
        _bump_shared()


def _bump_shared():
    """Move the shared stamp on (a new generation and the next scheduled change); return it."""
    from .models import PageCacheStamp

    if _migration["running"]:
        _migration["wrote"] = True
        return None
    try:
        with quiet():
            PageCacheStamp.objects.get_or_create(pk=1)
            with transaction.atomic():
                row = PageCacheStamp.objects.select_for_update().get(pk=1)
                next_change = next_scheduled_change()
                row.generation = max(row.generation + 1, time.time_ns() // 1000)
                row.next_change_us = None if next_change is None else int(next_change.timestamp() * 1_000_000)
                row.save(update_fields=["generation", "next_change_us"])
    except Error:  # any database error; e.g. during `migrate`, before the stamp's table exists
        logger.exception("page cache: could not move the generation stamp on")
        return None
    stamp = Stamp(row.generation, row.next_change_us)
    _highest["generation"] = max(_highest["generation"], stamp.generation)
    redis = redisconn.connection()
    if redis is not None:
        try:
            _publish(redis, stamp)
        except redisconn.ERRORS as error:
            # Redis keeps the old stamp until it expires (STAMP_TTL) or a worker that read
            # the newer one from the database meanwhile publishes it.
            redisconn.failed(error)
    return stamp


# -- Seeing writes at the SQL level ----------------------------------------------------------------

_WRITE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+[`\"]?([\w.]+)", re.IGNORECASE
)
_WRITE_VERBS = {"INSERT", "UPDATE", "DELETE", "REPLAC"}


@cache
def content_tables():
    """Database tables of the content apps' models (auto-created many-to-many tables included)."""
    labels = set(settings.PAGE_CACHE_CONTENT_APPS)
    tables = {
        model._meta.db_table.lower()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels
    }
    tables.discard(_stamp_table().lower())
    return frozenset(tables)


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a write to a content table invalidates the page cache."""
    if getattr(_deferred, "pending", False) and not getattr(_quiet, "active", False):
        run_deferred()
    result = execute(sql, params, many, context)
    if sql.lstrip()[:6].upper() in _WRITE_VERBS and not getattr(_quiet, "active", False):
        match = _WRITE.match(sql)
        if match and match.group(1).lower() in content_tables():
            _invalidate_after_statement(context["connection"], context["cursor"], sql)
    return result


def install_write_watch(sender, connection, **kwargs):
    """``connection_created`` receiver: watch every connection's writes (once per connection object).

    Inserted first, not appended: ``connection.execute_wrapper()`` blocks pop the last wrapper
    when they end, and one may be open while the connection is created.
    """
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)


def run_deferred_at_request_end(sender, **kwargs):
    """``request_finished`` receiver (and ``atexit`` for commands): nothing deferred is left behind."""
    run_deferred()


# -- The in-process store --------------------------------------------------------------------------


def _pieces(body, placeholder):
    """``body`` cut at each ``placeholder``: views of it (no copy), for ``value.join(pieces)``."""
    view, pieces, start = memoryview(body), [], 0
    while (found := body.find(placeholder, start)) != -1:
        pieces.append(view[start:found])
        start = found + len(placeholder)
    pieces.append(view[start:])
    return tuple(pieces)


class Entry(NamedTuple):
    generation: int
    epoch: int
    headers: tuple
    body: bytes
    etag: str | None
    slots: tuple  # (placeholder bytes, fill(request) -> str, value shown when stored) filled in for every visitor
    stored_at: float = 0.0  # time.time() when rendered: the Age of a stale copy
    # The body around its one slot's placeholder (views of it, no copy): a hit joins them with the value
    # instead of searching the page for the placeholder. Empty for a page without exactly one slot.
    pieces: tuple = ()
    # The headers as Django's ResponseHeaders keeps them, checked once when stored: a hit copies them.
    header_store: dict | None = None

    @property
    def size(self):
        """Bytes this entry holds, its bookkeeping included (the store's bound is in these bytes)."""
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers) + ENTRY_OVERHEAD


# Python objects around one entry (the tuples, the header strings' own overhead, the maps' nodes): an
# estimate on the safe side, so that a flood of small entries cannot exceed the bound either.
ENTRY_OVERHEAD = 1024


class Store:
    """A map bounded in bytes (``PAGE_CACHE_MAX_BYTES``), evicting the least recently used: the worker's
    memory stays flat whatever the number of distinct URLs.

    Segmented (2Q), so that a flood of URLs asked for once cannot push out the pages people read: a new
    entry starts on probation, and moves to the protected part (up to ``PROTECTED_SHARE`` of the bytes)
    on its second use. Eviction takes the least recently used entry on probation first (the protected
    part's own least recently used go back to probation when it is full). The keys of pages evicted from
    probation are remembered for a while (their hashes only, ``GHOST_SHARE`` of the bytes): a page asked
    for again in that time is stored as protected at once.
    """

    PROTECTED_SHARE = 0.8
    GHOST_SHARE = 0.02
    GHOST_BYTES = 100  # one remembered key hash with its map node

    def __init__(self):
        self._probation = OrderedDict()
        self._protected = OrderedDict()
        self._ghosts = OrderedDict()
        self._bytes = 0
        self._protected_bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def _size(key, entry):
        return len(key) + entry.size

    def get(self, key):
        with self._lock:
            entry = self._protected.get(key)
            if entry is not None:
                self._protected.move_to_end(key)
                return entry
            entry = self._probation.pop(key, None)
            if entry is not None:  # its second use: protect it
                self._protected[key] = entry
                self._protected_bytes += self._size(key, entry)
                self._balance()
            return entry

    @staticmethod
    def _limit():
        """Bytes for the pages: the bound less what the remembered keys may take."""
        return int(settings.PAGE_CACHE_MAX_BYTES * (1 - Store.GHOST_SHARE))

    def put(self, key, entry):
        size = self._size(key, entry)
        limit = self._limit()
        with self._lock:
            self._pop(key)
            if size > limit // 4:
                return  # one huge page must not push everything else out
            if self._ghosts.pop(hash(key), None) is not None:  # asked for again soon after it went
                self._protected[key] = entry
                self._protected_bytes += size
            else:
                self._probation[key] = entry
            self._bytes += size
            self._balance()

    def discard(self, key):
        with self._lock:
            self._pop(key)

    def _pop(self, key):
        entry = self._probation.pop(key, None)
        if entry is None:
            entry = self._protected.pop(key, None)
            if entry is not None:
                self._protected_bytes -= self._size(key, entry)
        if entry is not None:
            self._bytes -= self._size(key, entry)

    def _balance(self):
        limit = self._limit()
        while self._protected and self._protected_bytes > limit * self.PROTECTED_SHARE:
            key, entry = self._protected.popitem(last=False)
            self._protected_bytes -= self._size(key, entry)
            self._probation[key] = entry  # one more chance: a use before it reaches the end protects it again
        while self._bytes > limit:
            segment = self._probation or self._protected
            key, entry = segment.popitem(last=False)
            size = self._size(key, entry)
            self._bytes -= size
            if segment is self._protected:
                self._protected_bytes -= size
            else:
                self._ghosts[hash(key)] = True
        ghosts = int(settings.PAGE_CACHE_MAX_BYTES * self.GHOST_SHARE) // self.GHOST_BYTES
        while len(self._ghosts) > ghosts:
            self._ghosts.popitem(last=False)

    def clear(self):
        with self._lock:
            self._probation.clear()
            self._protected.clear()
            self._ghosts.clear()
            self._bytes = self._protected_bytes = 0

    def __len__(self):
        return len(self._probation) + len(self._protected)

    @property
    def size(self):
        """Bytes held: the pages and the remembered keys."""
        return self._bytes + len(self._ghosts) * self.GHOST_BYTES


STORE = Store()


# -- Parts of a page that differ per visitor -------------------------------------------------------


def per_request(response, placeholder, value, fill):
    """Let a cached page show a per-request value (the view counter) in place of ``placeholder``.

    ``value`` is what this response shows; on every later cache hit ``fill(request)``
    is called and its result shown instead. Only the anonymous, cacheable response
    keeps the placeholder in the cache; the visitor never sees it.
    """
    placeholder_bytes = placeholder.encode()

    def substitute(rendered):
        raw = rendered.content
        rendered.page_cache_raw = raw
        rendered.page_cache_slots = ((placeholder_bytes, fill, value),)
        rendered.content = raw.replace(placeholder_bytes, value.encode())

    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(substitute)
    else:
        substitute(response)
    return response


# -- The query string: only what the page reads --------------------------------------------------


def reads_query(*names):
    """Declare the query parameters a public view reads (a decorator for a view function or class).

    A class-based view may set ``page_cache_query = (...)`` instead. For anonymous visitors the page
    cache drops every other parameter from the request before the view runs (``clean_query``), so
    ``?utm_source=…`` or ``?x=1`` is the same page, and the same cache entry, as the clean URL.
    """

    def declare(view):
        view.page_cache_query = tuple(names)
        return view

    return declare


def declared_query(path_info):
    """The query parameters the view at ``path_info`` declared; none for a view that declared none."""
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):  # i18n_patterns resolve by the active language
            func = resolve(path_info).func
    except Resolver404:
        return frozenset()
    names = getattr(func, "page_cache_query", None)
    if names is None:
        names = getattr(getattr(func, "view_class", None), "page_cache_query", ())
    return frozenset(names)


def clean_query(request):
    """Keep only the declared parameters, sorted by name, in the request the view will see."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return
    allowed = declared_query(request.path_info)
    original = QueryDict(raw)
    clean = QueryDict(mutable=True)
    for name in sorted(allowed.intersection(original)):
        clean.setlist(name, original.getlist(name))
    query = clean.urlencode()
    if query != raw:
        request.META["QUERY_STRING"] = query
        request.__dict__.pop("GET", None)  # parsed again from the clean query string


@cache
def _variant_function(path):
    return import_string(path)


# -- The middleware --------------------------------------------------------------------------------

# Headers not replayed from the store: recomputed for every response.
_NOT_STORED = {"content-length", "x-page-cache", "age"}


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests of public pages from the in-process store (see module docstring).

    Must be the first entry of MIDDLEWARE: a hit skips everything below it, and a
    stored page keeps every header the middleware below set (security headers, CSP).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.active = True
        try:
            if not self.eligible(request):
                return self.mark_private(request, self.get_response(request))
            clean_query(request)
            return self.respond(request)
        finally:
            _request.stamp = None
            _request.active = False

    def respond(self, request):
        key = self.key(request)
        entry = STORE.get(key)
        try:
            stamp = current_stamp()
            if stamp.expired():
                stamp = _bump_shared() or _read_database_stamp()
        except Error:  # any database error (InterfaceError is not a DatabaseError)
            if entry is not None:
                logger.warning("page cache: the generation stamp cannot be read; serving the last good copy")
                return self.serve(request, entry, stale=True)
            logger.warning("page cache: the generation stamp cannot be read; serving uncached", exc_info=True)
            return self.mark_private(request, self.get_response(request))
        _request.stamp = stamp
        epoch = _local["epoch"]
        if entry is not None and entry.generation == stamp.generation and entry.epoch == epoch:
            return self.serve(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable(request, response):
            entry = self.store(key, response, stamp, epoch)
            return self.decorate(response, entry, "miss")
        if entry is not None and response.status_code == 503:
            return self.serve(request, entry, stale=True)  # the database went away: the last good copy
        if entry is not None and request.method == "GET":
            STORE.discard(key)  # this URL no longer gives that page (a 404 now, a redirect…): keep no copy of it
        return self.mark_private(request, response)

    # Which requests and responses --------------------------------------------------------------

    @staticmethod
    def eligible(request):
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return False
        if request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)):
            return False
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @staticmethod
    def key(request):
        """The URL (its query string cleaned by ``clean_query``) and the page's variant for the visitor's
        cookies (``PAGE_CACHE_VARIANT``: "" for the default look, whatever invalid values the cookies hold)."""
        scheme = "https" if request.is_secure() else "http"
        key = f"{scheme}://{request.META.get('HTTP_HOST', '')}{request.get_full_path()}"
        variant = _variant_function(settings.PAGE_CACHE_VARIANT)(request.COOKIES)
        return f"{key}\x00{variant}" if variant else key

    @staticmethod
    def cacheable(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_USED") or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the page holds this visitor's CSRF token (a form): never another visitor's
        storage = getattr(request, "_messages", None)
        if storage is not None and (storage._queued_messages or getattr(storage, "_loaded_data", None)):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        if response.has_header("Content-Encoding") or "*" in response.get("Vary", ""):
            return False
        for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
            if "nonce-" in response.get(header, ""):
                return False
        return True

    # Storing and serving -----------------------------------------------------------------------

    @staticmethod
    def store(key, response, stamp, epoch):
        slots = getattr(response, "page_cache_slots", ())
        body = getattr(response, "page_cache_raw", None) if slots else response.content
        if slots:
            # The count differs per visitor: a proxy must not keep the page, and no 304.
            patch_cache_control(response, private=True, no_cache=True)
            etag = None
        else:
            # A proxy may keep the page but must ask again each time; the ETag makes that a 304.
            patch_cache_control(response, public=True, no_cache=True)
            etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
            response["ETag"] = etag
        patch_vary_headers(response, ("Cookie",))
        headers = tuple((name, value) for name, value in response.items() if name.lower() not in _NOT_STORED)
        pieces = _pieces(body, slots[0][0]) if len(slots) == 1 else ()
        header_store = ResponseHeaders(dict(headers))._store
        entry = Entry(stamp.generation, epoch, headers, body, etag, slots, time.time(), pieces, header_store)
        STORE.put(key, entry)
        return entry

    @staticmethod
    def decorate(response, entry, outcome):
        response["X-Page-Cache"] = outcome
        response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def serve(request, entry, stale=False):
        """A stored copy; ``stale``: the last good one, served while the database is out (marked so, with
        its ``Age``; the stored ``Cache-Control`` stays: no longer a lifetime than a fresh copy gets)."""
        outcome = "stale" if stale else "hit"
        if entry.etag and entry.etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            for name, value in entry.headers:
                if name.lower() in ("etag", "cache-control", "vary", "date", "last-modified"):
                    response[name] = value
            response["X-Page-Cache"] = outcome
            return response
        body = entry.body
        if request.method == "GET":
            for placeholder, fill, value in entry.slots:
                try:
                    shown = fill(request)
                except Error:  # the database is out: the value as this copy was rendered with
                    logger.warning("page cache: a per-visitor value cannot be read; showing the stored one")
                    shown = value
                body = shown.encode().join(entry.pieces) if entry.pieces else body.replace(placeholder, shown.encode())
        response = HttpResponse(body)
        if entry.header_store is not None:
            response.headers._store = dict(entry.header_store)  # checked when stored (ResponseHeaders)
        else:
            for name, value in entry.headers:
                response[name] = value
        response["Content-Length"] = str(len(body))
        response["X-Page-Cache"] = outcome
        if stale:
            response["Age"] = str(max(0, int(time.time() - entry.stored_at)))
        if request.method == "HEAD":
            response.content = b""
        return response

    @staticmethod
    def mark_private(request, response):
        """A page not stored here is not for a shared cache either (staff pages, pages with cookies)."""
        if (
            request.method in ("GET", "HEAD")
            and not response.has_header("Cache-Control")
            and not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS))
        ):
            patch_cache_control(response, private=True, no_cache=True)
        return response
