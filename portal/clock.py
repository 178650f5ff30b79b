"""The one seam for "today": tests and operations pin it with settings.PORTAL_TODAY."""

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    pinned = settings.PORTAL_TODAY
    if pinned:
        return pinned if isinstance(pinned, dt.date) else dt.date.fromisoformat(pinned)
    return timezone.localdate()
