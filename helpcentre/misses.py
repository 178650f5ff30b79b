"""Counting searches that found nothing, for operations (admin: searches with no results)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from helpcentre.models import SearchMiss
from portal import clock


def miss_record(*, query: str) -> None:
    """One more count for the normalised ``query``; two racing requests still make one row."""
    now = clock.now()
    if SearchMiss.objects.filter(query=query).update(count=F("count") + 1, last_seen=now):
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=query, first_seen=now, last_seen=now)
    except IntegrityError:
        SearchMiss.objects.filter(query=query).update(count=F("count") + 1, last_seen=now)
