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
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from redis.exceptions import RedisError

from . import redisconn

logger = logging.getLogger(__name__)

STAMP_KEY = "pagecache:stamp"
STAMP_TTL = 60  # seconds the Redis copy of the stamp lives before it is read again from the database
# Every new stamp is also announced on this Redis channel; each worker listens (see ``_Watch``).
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
    (the site settings) is never older than the page.
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
    memo = _memo.get(name)
    if memo is not None and memo[0] == stamp.generation and memo[1] == epoch:
        return memo[2]
    value = compute()
    _memo[name] = (stamp.generation, epoch, value)
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


def _publish(redis, stamp):
    """Copy ``stamp`` to Redis and announce it, unless Redis already holds a newer one (generations only go
    forward)."""
    keys = (redisconn.key(STAMP_KEY), redisconn.key(STAMP_CHANNEL))
    redis.eval(_PUBLISH, 2, *keys, stamp.generation, stamp.encode(), STAMP_TTL)


class _Watch:
    """This process's subscription to the stamp's announcements: a cache hit costs no round trip to Redis.

    Reading the stamp key on every request was a Redis round trip per page, which measured at about a
    third of the throughput of a bare view on this 2-core machine. Instead each worker subscribes to
    ``STAMP_CHANNEL`` (subscribing before it first reads the key, so no announcement after that read is
    missed) and, per request, only polls its own socket without waiting: an announcement that Redis sent
    before answering the writer is in that socket before the writer's next request can reach any worker.
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
        owner = (os.getpid(), id(redis.connection_pool), redisconn.key(STAMP_CHANNEL))
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


def _bump_shared():
    """Move the shared stamp on (a new generation and the next scheduled change); return it."""
    from .models import PageCacheStamp

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


class Entry(NamedTuple):
    generation: int
    epoch: int
    headers: tuple
    body: bytes
    etag: str | None
    slots: tuple  # (placeholder bytes, fill(request) -> str) filled in for every visitor


class Store:
    """A least-recently-used map bounded by entries and bytes (the worker's memory stays flat)."""

    def __init__(self):
        self._entries = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = len(entry.body) + len(key)
        if size > settings.PAGE_CACHE_MAX_BYTES // 4:
            return  # one huge page must not push everything else out
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body) + len(key)
            self._entries[key] = entry
            self._bytes += size
            while self._entries and (
                self._bytes > settings.PAGE_CACHE_MAX_BYTES or len(self._entries) > settings.PAGE_CACHE_MAX_ENTRIES
            ):
                evicted_key, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body) + len(evicted_key)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self):
        return len(self._entries)

    @property
    def size(self):
        return self._bytes


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
        rendered.page_cache_slots = ((placeholder_bytes, fill),)
        rendered.content = raw.replace(placeholder_bytes, value.encode())

    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(substitute)
    else:
        substitute(response)
    return response


# -- The middleware --------------------------------------------------------------------------------

# Headers not replayed from the store: recomputed for every response.
_NOT_STORED = {"content-length", "x-page-cache"}


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
            return self.respond(request)
        finally:
            _request.stamp = None
            _request.active = False

    def respond(self, request):
        key = self.key(request)
        try:
            stamp = current_stamp()
            if stamp.expired():
                stamp = _bump_shared() or _read_database_stamp()
        except Error:  # any database error (InterfaceError is not a DatabaseError)
            logger.warning("page cache: the generation stamp cannot be read; serving uncached", exc_info=True)
            return self.mark_private(request, self.get_response(request))
        _request.stamp = stamp
        epoch = _local["epoch"]
        entry = STORE.get(key)
        if entry is not None and entry.generation == stamp.generation and entry.epoch == epoch:
            return self.serve(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable(request, response):
            entry = self.store(key, response, stamp, epoch)
            return self.decorate(response, entry, "miss")
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
        scheme = "https" if request.is_secure() else "http"
        key = f"{scheme}://{request.META.get('HTTP_HOST', '')}{request.get_full_path()}"
        vary = [request.COOKIES.get(name, "") for name in settings.PAGE_CACHE_VARY_COOKIES]
        return key + "\x00" + "\x00".join(vary) if any(vary) else key

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
        entry = Entry(stamp.generation, epoch, headers, body, etag, slots)
        STORE.put(key, entry)
        return entry

    @staticmethod
    def decorate(response, entry, outcome):
        response["X-Page-Cache"] = outcome
        response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def serve(request, entry):
        if entry.etag and entry.etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
            for name, value in entry.headers:
                if name.lower() in ("etag", "cache-control", "vary", "date", "last-modified"):
                    response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        body = entry.body
        if request.method == "GET":
            for placeholder, fill in entry.slots:
                body = body.replace(placeholder, fill(request).encode())
        response = HttpResponse(body)
        for name, value in entry.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        response["X-Page-Cache"] = "hit"
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
