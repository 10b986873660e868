"""The raw Redis connection behind the cache, for the few things that need Redis itself.

The page cache's generation stamp and the view counter talk to Redis directly
(atomic scripts, INCR). Redis is optional at run time: when it is not configured,
or unreachable, ``connection()`` returns None and callers fall back to the
database. After a failure Redis is not tried again for ``RETRY_AFTER`` seconds, so
an outage costs one short timeout now and then, not one per request; the first
failure of an outage is logged, and so is the recovery.
"""

import logging
import time

from django.conf import settings
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 2.0  # seconds without trying Redis after a failure
# What a call to an unreachable or failing Redis raises.
ERRORS = (RedisError, OSError)

_down = {"until": 0.0, "logged": False}


def configured():
    """True when the cache is django-redis (REDIS_URL set)."""
    return settings.CACHES["default"]["BACKEND"].startswith("django_redis.")


def connection():
    """The redis-py client of the default cache, or None (not configured, or down a moment ago)."""
    if not configured() or time.monotonic() < _down["until"]:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def key(name):
    """``name`` under the cache's key prefix, so several sites can share one Redis."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:{name}" if prefix else name


def failed(error):
    """Record a Redis failure: skip Redis for a moment, log once per outage."""
    _down["until"] = time.monotonic() + RETRY_AFTER
    if not _down["logged"]:
        _down["logged"] = True
        logger.warning("Redis unreachable (%s): falling back to the database", error)


def succeeded():
    """Record that Redis answered (logs the end of an outage)."""
    if _down["logged"]:
        _down["logged"] = False
        logger.warning("Redis reachable again")


def reset():
    """Forget any recorded outage (tests)."""
    _down.update(until=0.0, logged=False)
