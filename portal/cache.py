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

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import setting_changed
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


# --- page data kept per user, under versions that change with every input ------------------------
#
# A page's data (what its template needs, computed from the database) is kept under a key made of
# the page, the user, the page's argument, the language, the clock's day and the settings that shape
# pages. The entry records the versions it was computed under: the user's, everything global's
# (dealers, makes, the wear standard) and those of the leases and dealers it was made from; it is
# served only while all of them are unchanged. A version is a random token; a change deletes it (now, and
# again once the transaction commits: a page computed in between from the old rows is left under a
# token nobody will read again), and the next reader makes a new one. ``portal.page_cache`` deletes
# them on every save, delete, bulk write and ``QuerySet.update`` of the models pages are made from.
#
# An entry is stored only when the versions of every scope it depends on were read before its rows
# were: the scopes come from the last computation of that page in this process (its hint), so a
# process's first visit to a page computes without storing, and a visit that finds a new scope (a
# lease linked since) stores next time.

PAGE_DATA_SECONDS = 60 * 60  # a backstop (a version delete lost in a Redis outage): changes show at once
GLOBAL_SCOPE = "all"
# The settings whose values shape cached pages (the lessor's words, quote and wear rules, ...).
PAGE_SETTINGS_PREFIXES = ("LESSOR", "QUOTE_", "WEAR_", "TURNIN_", "KIT_", "REMINDER", "BILLING_", "LANGUAGE")


def _version_key(scope: str) -> str:
    return f"pv:{scope}"


def scope_tokens(scopes, found: dict | None = None) -> dict[str, str]:
    """The current version token of each scope (``"lease:12"``, ``"user:3"``, ``"dealer:4"``, ``"all"``),
    made when missing. ``found``: the version keys already read (``get_many``) by the caller."""
    import uuid

    from django.core.cache import cache

    scopes = list(dict.fromkeys(scopes))
    if found is None:
        found = cache.get_many([_version_key(scope) for scope in scopes])
    tokens = {}
    for scope in scopes:
        token = found.get(_version_key(scope))
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(_version_key(scope), token, None):  # another process made it first
                token = cache.get(_version_key(scope)) or token
        tokens[scope] = token
    return tokens


def scopes_changed(scopes) -> None:
    """Forget the versions of ``scopes`` now and again once the transaction commits."""
    from django.core.cache import cache
    from django.db import transaction

    keys = [_version_key(scope) for scope in set(scopes)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


_fingerprint: list[str] = []  # worked out once; forgotten when a setting changes (tests override them)


def _settings_fingerprint() -> str:
    if _fingerprint:
        return _fingerprint[0]
    import hashlib

    names = sorted(name for name in dir(settings) if name.startswith(PAGE_SETTINGS_PREFIXES))
    shaped = repr([(name, getattr(settings, name)) for name in names])
    _fingerprint[:] = [hashlib.blake2b(shaped.encode(), digest_size=8).hexdigest()]
    return _fingerprint[0]


def _settings_changed(**kwargs) -> None:
    _fingerprint.clear()


setting_changed.connect(_settings_changed)


_hints: dict[str, list[str]] = {}  # per process: the scopes each page was last made from
HINTS_KEPT = 20_000


def page_data(page: str, *, user_id: int, part: object, compute: Callable[[], tuple[Any, set[str]]]) -> Any:
    """``page_data_keyed`` without the key: the data alone."""
    return page_data_keyed(page, user_id=user_id, part=part, compute=compute)[0]


def page_data_keyed(
    page: str, *, user_id: int, part: object, compute: Callable[[], tuple[Any, set[str]]]
) -> tuple[Any, str | None]:
    """``page``'s data for ``user_id`` and ``part`` (the page's argument): from the cache while every
    version it depends on is unchanged, else ``compute()``, which answers the data and the scopes it
    was made from (``{"lease:12", "dealer:4"}``). The data must be plain: no per-request values, no
    relation a template could still load lazily. One round trip to the cache when it is kept: the
    entry and the versions of the scopes this process last saw the page made from (its hint)."""
    from django.core.cache import cache
    from django.utils import translation

    from portal import clock

    stable = f"{page}:{user_id}:{part}"
    entry_key = "pd:" + ":".join(
        [stable, translation.get_language() or "", clock.today().isoformat(), _settings_fingerprint()]
    )
    hint = _hints.get(stable, [])
    scopes = [f"user:{user_id}", GLOBAL_SCOPE, *hint]
    got = cache.get_many([entry_key, *(_version_key(scope) for scope in scopes)])
    entry = got.get(entry_key)
    unhinted = [scope for scope in entry["tokens"] if scope not in scopes] if entry is not None else []
    if unhinted:
        # A process that has not made this page yet (a new worker) reads the versions the entry
        # names, in one more round trip, rather than make the page again.
        scopes += unhinted
        got |= cache.get_many([_version_key(scope) for scope in unhinted])
    tokens = scope_tokens(scopes, got)  # read before the rows: a change after them makes the entry stale
    if entry is not None and all(tokens.get(scope) == token for scope, token in entry["tokens"].items()):
        if unhinted:
            _remember_hint(stable, sorted(set(entry["tokens"]) - {f"user:{user_id}", GLOBAL_SCOPE}))
        return entry["data"], _data_key(entry_key, entry["tokens"])
    data, made_from = compute()
    made_from = sorted(made_from)
    key = None
    if set(made_from) <= set(tokens):
        kept = {scope: tokens[scope] for scope in [f"user:{user_id}", GLOBAL_SCOPE, *made_from]}
        cache.set(entry_key, {"tokens": kept, "data": data}, PAGE_DATA_SECONDS)
        key = _data_key(entry_key, kept)
    if made_from != hint:
        _remember_hint(stable, made_from)
    return data, key


def _remember_hint(stable: str, scopes: list[str]) -> None:
    if len(_hints) >= HINTS_KEPT:
        _hints.clear()
    _hints[stable] = scopes


def _data_key(entry_key: str, tokens: dict[str, str]) -> str:
    """Names this exact data: its entry and the versions it was made at (a change to any input
    makes a new name). What is drawn from the data alone may be kept under it (``kept_fragment``)."""
    import hashlib

    text = entry_key + repr(sorted(tokens.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# --- Copies kept in the worker's own memory ---------------------------------------------------------
# HTML drawn from something named exactly (the page chrome, a help box, a kept fragment, a kit's
# shared pages) is kept in the process that drew it: no round trip, and nothing in it belongs to
# one request. Off with DEBUG, so a template edited under runserver shows at once.


class InProcessLRU:
    """A small least-recently-used map, safe between threads."""

    def __init__(self, size: int) -> None:
        import threading
        from collections import OrderedDict

        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __iter__(self):
        with self._lock:
            return iter(list(self._items))


def drawn_once(maxsize: int) -> Callable:
    """``functools.lru_cache`` for HTML drawn from its arguments alone, bypassed with DEBUG on."""
    from functools import lru_cache

    def decorator(function: Callable) -> Callable:
        kept = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def draw(*args):
            return function(*args) if settings.DEBUG else kept(*args)

        draw.cache_info, draw.cache_clear = kept.cache_info, kept.cache_clear
        return draw

    return decorator
