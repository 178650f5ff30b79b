"""The Redis cache, made to degrade: with Redis down, every read is a miss and every write a no-op.

Django's RedisCache raises on a connection error, and sign-in (allauth's rate limits), lease
linking (portal.ratelimit) and anything else on the cache would answer 500. Nothing this
project keeps in the cache is the only copy of anything, so a missing cache costs speed and,
for rate limits, protection for the length of the outage, never a page. ``add`` answers True
(as on a miss): allauth takes a lock with it, and a False would refuse every sign-in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 10.0  # one warning per process per interval, not one per request


def _degrades_to(fallback: Callable[..., Any]) -> Callable:
    """Run the cache operation; on a Redis outage log (rarely) and answer ``fallback(*args)``."""

    def decorator(method: Callable) -> Callable:
        @wraps(method)
        def wrapped(self: ResilientRedisCache, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                self._log_outage(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapped

    return decorator


def _default(key, default=None, version=None):
    return default


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every cache operation, and its constructor
    fills a table of some 170 response callbacks each time (about a third of a millisecond of CPU a
    signed-in page, which reads its session and its unread counts). One per connection pool,
    reused: a ``redis.Redis`` is safe to share between threads."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _log_outage(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ResilientRedisCache._last_logged = now
            log.warning("cache unavailable (%s: %s): serving without it", operation, error)

    add = _degrades_to(lambda *a, **k: True)(RedisCache.add)
    get = _degrades_to(_default)(RedisCache.get)
    set = _degrades_to(lambda *a, **k: None)(RedisCache.set)
    touch = _degrades_to(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrades_to(lambda *a, **k: False)(RedisCache.delete)
    get_many = _degrades_to(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrades_to(lambda *a, **k: False)(RedisCache.has_key)
    # A counter that cannot be read starts again: the caller sees its first hit.
    incr = _degrades_to(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    set_many = _degrades_to(lambda *a, **k: [])(RedisCache.set_many)
    delete_many = _degrades_to(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _degrades_to(lambda *a, **k: False)(RedisCache.clear)

    def ping(self) -> None:
        """Raise unless Redis answers: /healthz asks, where every other caller gets a miss."""
        self._cache.get_client(write=True).ping()
