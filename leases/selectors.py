"""Scoped reads of leases for the other apps. Every customer view fetches through these (another
customer's lease is a 404); a dealer sees only open leases of the makes it is franchised for; and
operations' commands find a lease by its account number here rather than filtering the table."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from leases.models import Dealer, Lease, LeaseQuerySet, OdometerReading


def _latest(field: str) -> Subquery:
    # As leases.services.latest_reading: counted readings only, the dealer's statement first.
    return Subquery(OdometerReading.objects.filter(lease=OuterRef("pk")).latest_first().values(field)[:1])


def odometer_history(lease: Lease, *, limit: int = 6) -> tuple[list[OdometerReading], OdometerReading | None]:
    """The lease page's latest readings, voided ones included (shown struck through, with the
    correction that replaced them), and the latest counted reading: one query, two when the
    newest ``limit`` readings were all voided."""
    history = list(
        OdometerReading.history.filter(lease=lease).select_related("correction").latest_first()[:limit]
    )
    latest = next((r for r in history if not r.is_voided), None)
    if latest is None and history:
        latest = OdometerReading.objects.filter(lease=lease).latest_first().first()
    return history, latest


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


def lease_by_account_number(account_number: str) -> Lease | None:
    """The lease with this account number (exactly as given), with its vehicle and make; None if
    there is none. For operations, not customers: it is not scoped to anyone."""
    return Lease.objects.select_related("vehicle__make").filter(account_number=account_number).first()


def open_leases_for_dealer(dealer: Dealer) -> LeaseQuerySet:
    """The leases ``dealer`` may look up and take a vehicle back on: open, and of a make it is
    franchised for; with vehicle and make."""
    return Lease.objects.filter(
        status__in=Lease.Status.open_values(), vehicle__make__in=dealer.makes.all()
    ).select_related("vehicle__make")


def open_lease_for_dealer(dealer: Dealer, vin_or_account: str, *, last_name: str) -> Lease | None:
    """One of ``open_leases_for_dealer(dealer)`` whose VIN or account number is exactly
    ``vin_or_account`` (the caller normalises what was typed) and one of whose lessees has
    ``last_name`` (any case); None if there is none. Two identifiers, so a number alone does not
    show a stranger's name and address."""
    if not (vin_or_account and last_name.strip()):
        return None
    return (
        open_leases_for_dealer(dealer)
        .filter(Q(vehicle__vin=vin_or_account) | Q(account_number=vin_or_account))
        .filter(parties__lessee__last_name__iexact=last_name.strip())
        .distinct()
        .first()
    )


def dealer_franchised_for(dealer: Dealer, make_id: int) -> bool:
    """Whether ``dealer`` is franchised for the make with this id (whether it is active or not)."""
    return dealer.makes.filter(pk=make_id).exists()


def returned_lease(vin_or_account: str) -> tuple[Lease, dt.date] | None:
    """A vehicle that is back and not yet inspected, by exact VIN or account number, with the day it
    came back (its dealer odometer reading); None if there is none. For inspectors and operations."""
    lease = (
        Lease.objects.filter(status__in=(Lease.Status.RETURNED, Lease.Status.TERMINATED_EARLY))
        .filter(Q(vehicle__vin=vin_or_account) | Q(account_number=vin_or_account))
        .select_related("vehicle__make")
        .first()
    )
    if lease is None:
        return None
    reading = lease.odometer_readings.filter(source=OdometerReading.Source.DEALER).order_by("-reading_date").first()
    return lease, (reading.reading_date if reading else lease.end_date)
