"""Owner-scoped reads. Every customer view fetches through these: another customer's lease is a 404."""

from __future__ import annotations

import uuid

from django.db.models import OuterRef, Subquery
from django.http import Http404

from leases.models import Lease, OdometerReading


def _latest(field: str) -> Subquery:
    return Subquery(
        OdometerReading.objects.filter(lease=OuterRef("pk"))
        .order_by("-reading_date", "-miles", "-id")
        .values(field)[:1]
    )


def customer_leases(user):
    """The signed-in user's leases with what My Vehicles shows, in a constant number of queries."""
    return (
        Lease.objects.for_customer(user)
        .select_related("vehicle__make")
        .annotate(latest_miles=_latest("miles"), latest_reading_date=_latest("reading_date"))
    )


def lease_for_user(user, public_id: uuid.UUID | str, *, extension_days: bool = False) -> Lease:
    """One of the user's leases, for the pages under it. Without My Vehicles' latest-reading
    subqueries: no page under a lease reads them, and every one of those pages pays for them.
    With ``extension_days``, for the pages that offer extensions: the days waiting for review come
    in the same query, so ``extension_days_left()`` needs none."""
    leases = Lease.objects.for_customer(user).select_related("vehicle__make")
    if extension_days:
        leases = leases.with_extension_days_in_review()
    try:
        return leases.get(public_id=public_id)
    except (Lease.DoesNotExist, ValueError):
        raise Http404("No such lease") from None
