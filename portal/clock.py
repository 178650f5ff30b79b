"""The one clock. Every "today" and "now" in the portal comes from here, so tests and operations
can pin it with settings instead of patching:

- ``PORTAL_TODAY`` (a date or ISO string) pins the date: re-running a missed day's sweep, or tests.
- ``PORTAL_NOW`` (an aware datetime or ISO string) pins the instant, for rules that need a time of
  day (a booking cut-off 24 hours ahead, "not in the past").
- With only ``PORTAL_TODAY`` pinned, ``now()`` is that date at the current wall-clock time in the
  site's time zone: it stays on the pinned day while still moving forward through it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    pinned = settings.PORTAL_TODAY
    if pinned:
        return pinned if isinstance(pinned, dt.date) else dt.date.fromisoformat(pinned)
    if settings.PORTAL_NOW:
        return timezone.localdate(now())
    return timezone.localdate()


def now() -> dt.datetime:
    pinned = settings.PORTAL_NOW
    if pinned:
        value = pinned if isinstance(pinned, dt.datetime) else dt.datetime.fromisoformat(pinned)
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if settings.PORTAL_TODAY:
        wall = timezone.localtime().time().replace(tzinfo=None)
        return timezone.make_aware(dt.datetime.combine(today(), wall))
    return timezone.now()
