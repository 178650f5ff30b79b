"""A fixed-window counter on the cache, for limits allauth does not cover (lease linking).

A cache outage must not lock customers out, so failures count as "allowed".
"""

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; False once more than ``limit`` happened in the window."""
    cache_key = f"rl:{key}"
    try:
        cache.add(cache_key, 0, timeout=window_seconds)
        count = cache.incr(cache_key)
    except Exception:
        log.warning("rate limit cache unavailable for %s", key, exc_info=True)
        return True
    return count <= limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
