"""Limits on failed attempts (signing in, linking a lease), counted in the database.

The counts live in ``portal.AttemptCounter`` rows, not on the cache: a Redis outage (which
portal.cache turns into misses) must neither reset a count nor skip a check. Each limit keys on
the attacker (an IP address, a signed-in person, an email tried from one IP address), never on
the account under attack alone, so nobody can lock a stranger out by failing on purpose.

An attempt is counted before it is tried, so parallel guesses cannot slip past the limit, and
given back when it succeeds, so only failures add up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from portal import clock
from portal.models import AttemptCounter


@dataclass(frozen=True)
class Limit:
    scope: str  # what is being tried: "sign-in", "link"
    key: str  # who is trying: "ip:…", "user:…", "email+ip:…"
    limit: int  # failures allowed in one window; the next attempt is refused
    window: dt.timedelta


def attempt(limits: Sequence[Limit], *, ip: str = "", user=None, target: str = "") -> bool:
    """Count one attempt under every limit; False when any of them is used up (try nothing then)."""
    now = clock.now()
    with transaction.atomic():
        counted = [_count(limit, now=now, ip=ip, user=user, target=target) for limit in limits]
    return all(counted)


def give_back(limits: Sequence[Limit]) -> None:
    """The attempt succeeded: it does not count against anyone."""
    for limit in limits:
        rows = AttemptCounter.objects.filter(scope=limit.scope, key=limit.key)
        rows.filter(count__gt=0).update(count=F("count") - 1)
        rows.filter(count__lt=F("limit")).update(locked_until=None)


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """A plain throttle (messages sent, walk-in look-ups): count one use under ``key``
    ("scope:who"), in the database like every other limit; False once more than ``limit`` uses
    fell in the window."""
    scope = key.split(":", 1)[0][:20]
    return attempt([Limit(scope=scope, key=key, limit=limit, window=dt.timedelta(seconds=window_seconds))])


KEPT_FOR = dt.timedelta(days=1)  # longer than any window, so operations can see yesterday's lockouts


def expired_purge() -> int:
    """Delete counters whose window ended over a day ago (the nightly task); returns how many."""
    deleted, _ = AttemptCounter.objects.filter(window_start__lt=clock.now() - KEPT_FOR).delete()
    return deleted


def _count(limit: Limit, *, now: dt.datetime, ip: str, user, target: str) -> bool:
    row, _ = AttemptCounter.objects.select_for_update().get_or_create(
        scope=limit.scope, key=limit.key, defaults={"limit": limit.limit, "window_start": now}
    )
    if now >= row.window_start + limit.window:
        row.count, row.window_start, row.locked_until = 0, now, None
    row.count += 1
    row.limit = limit.limit
    if row.count >= limit.limit:
        row.locked_until = row.window_start + limit.window
    row.last_ip = ip or None
    row.last_user = user if user is not None and user.is_authenticated else None
    row.last_target = target[:254]
    row.save()
    return row.count <= limit.limit


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
