"""The current instant for appointment times, on the same seam as ``portal.clock.today()``.

Appointments need a time of day (the 24-hour cut-off, "not in the past"), which portal.clock
does not give. The rules, in order:

- ``settings.PORTAL_NOW`` (optional; an aware datetime or an ISO string) pins the instant.
  Tests use it so a cut-off is exact rather than depending on when the suite runs.
- ``settings.PORTAL_TODAY`` pinned: that date at the current wall-clock time in the site's
  time zone, so "now" stays on the pinned day while still moving forward through it.
- Otherwise the real ``timezone.now()``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from portal import clock


def now() -> dt.datetime:
    pinned = getattr(settings, "PORTAL_NOW", None)
    if pinned:
        value = pinned if isinstance(pinned, dt.datetime) else dt.datetime.fromisoformat(pinned)
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if settings.PORTAL_TODAY:
        wall = timezone.localtime().time().replace(tzinfo=None)
        return timezone.make_aware(dt.datetime.combine(clock.today(), wall))
    return timezone.now()


def today() -> dt.date:
    return clock.today()
