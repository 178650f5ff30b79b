"""Writes that touch several rows: linking an online account to a lease, and odometer readings;
and the lease row lock that every app's writes on a lease take first."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from leases.models import Lease, LeaseParty, Lessee, OdometerReading
from portal import ratelimit
from quotes.engine import long_date

# Faster than any car is driven for long: a reading implying more is a typo or a roll-forward.
MAX_MILES_PER_DAY = 1_000


def lease_locked(pk: int, *, with_vehicle: bool = False) -> Lease:
    """The lease read afresh with its row locked (``select_for_update``) until the transaction
    ends: call it inside ``transaction.atomic``, before checking what a concurrent change could
    alter. ``with_vehicle`` reads the vehicle and its make in the same query, locking only the
    lease's row. Lease.DoesNotExist if there is no such lease."""
    if with_vehicle:
        return Lease.objects.select_for_update(of=("self",)).select_related("vehicle__make").get(pk=pk)
    return Lease.objects.select_for_update().get(pk=pk)


class LinkFailed(Exception):
    """The details did not match a lease that can be linked. One message for every cause."""


LINK_WINDOW = dt.timedelta(hours=1)


def link_limits(*, user, ip: str) -> list[ratelimit.Limit]:
    """Failed links allowed an hour: five for a signed-in person, twenty from one IP address. Never
    per account number, so a stranger's guesses cannot lock the real lessee out."""
    return [
        ratelimit.Limit("link", f"user:{user.pk}", 5, LINK_WINDOW),
        ratelimit.Limit("link", f"ip:{ip}", 20, LINK_WINDOW),
    ]


def lease_link(*, user, account_number: str, vin_last6: str, zip_code: str) -> Lease:
    """Link ``user`` to the lessee on the lease matching all three details."""
    account_number = account_number.strip()
    vin_last6 = vin_last6.strip().upper()
    zip5 = zip_code.strip()[:5]
    with transaction.atomic():
        lease = (
            Lease.objects.select_related("vehicle")
            .filter(account_number=account_number, vehicle__vin__endswith=vin_last6)
            .first()
        )
        if lease is None or len(vin_last6) != 6:
            raise LinkFailed
        candidates = [
            p.lessee
            for p in LeaseParty.objects.select_for_update(of=("lessee",))
            .select_related("lessee")
            .filter(lease=lease, lessee__zip_code__startswith=zip5)
            if len(zip5) == 5
        ]
        if any(lessee.user_id == user.pk for lessee in candidates):
            return lease
        free = [lessee for lessee in candidates if lessee.user_id is None]
        if not free:
            raise LinkFailed
        # Where both lessees share a ZIP code, the one with this email is the one signing up.
        free.sort(key=lambda lessee: lessee.email.lower() != user.email.lower())
        Lessee.objects.filter(pk=free[0].pk, user__isnull=True).update(user=user)
        return lease


def _neighbours(lease: Lease, on: dt.date) -> tuple[OdometerReading | None, OdometerReading | None]:
    readings = lease.odometer_readings
    before = readings.filter(reading_date__lte=on).order_by("-reading_date", "-miles").first()
    after = readings.filter(reading_date__gt=on).order_by("reading_date", "miles").first()
    return before, after


def check_odometer(*, lease: Lease, miles: int, on: dt.date, today: dt.date) -> None:
    """Refuse readings that cannot be true, with a message a lessee can act on."""
    if on > today:
        raise ValidationError("The reading date cannot be in the future.", code="future")
    if on < lease.start_date:
        raise ValidationError("The reading date is before your lease began.", code="before_start")
    before, after = _neighbours(lease, on)
    floor_miles, floor_date = (
        (before.miles, before.reading_date) if before else (lease.start_odometer, lease.start_date)
    )
    if miles < floor_miles:
        raise ValidationError(
            "%(miles)s miles is below the last reading of %(last)s miles on %(date)s. "
            "Odometers don't go backwards: please check the number.",
            params={"miles": f"{miles:,}", "last": f"{floor_miles:,}", "date": long_date(floor_date)},
            code="below_previous",
        )
    if after and miles > after.miles:
        raise ValidationError(
            "%(miles)s miles is above a later reading of %(later)s miles on %(date)s.",
            params={"miles": f"{miles:,}", "later": f"{after.miles:,}", "date": long_date(after.reading_date)},
            code="above_later",
        )
    days = max(1, (on - floor_date).days)
    if miles - floor_miles > days * MAX_MILES_PER_DAY:
        raise ValidationError(
            "That is %(jump)s miles in %(days)s day(s) since the last reading, which looks like a typo. "
            "Please check the number on your odometer.",
            params={"jump": f"{miles - floor_miles:,}", "days": days},
            code="impossible_jump",
        )


def lessee_reading_check(lease: Lease) -> None:
    """A lessee records readings while they have the vehicle. Once it is back, the odometer
    statement signed at the return is the final reading: the bill is computed from it."""
    if not lease.is_open:
        raise ValidationError(
            "Your vehicle has been returned, so its mileage is the one on the odometer statement signed "
            "at the return. No more readings can be added.",
            code="returned",
        )


def odometer_record(
    *, lease: Lease, miles: int, on: dt.date, source: str, today: dt.date, user=None
) -> OdometerReading:
    with transaction.atomic():
        # Serialise readings per lease so two submissions cannot both pass the checks.
        current = Lease.objects.select_for_update().filter(pk=lease.pk).first()
        if source == OdometerReading.Source.LESSEE and current is not None:
            lessee_reading_check(current)
        check_odometer(lease=lease, miles=miles, on=on, today=today)
        return OdometerReading.objects.create(
            lease=lease, miles=miles, reading_date=on, source=source, recorded_by=user
        )


def latest_reading(lease: Lease) -> OdometerReading | None:
    return lease.odometer_readings.order_by("-reading_date", "-miles", "-id").first()


def reading_at_return(lease: Lease, *, returned_on: dt.date | None = None) -> OdometerReading | None:
    """The reading a return is billed at: the dealer's odometer statement when one was signed,
    otherwise the latest reading on or before the return (a later one is not the return's)."""
    readings = lease.odometer_readings.order_by("-reading_date", "-miles", "-id")
    statement = readings.filter(source=OdometerReading.Source.DEALER).first()
    if statement is not None:
        return statement
    if returned_on is not None:
        readings = readings.filter(reading_date__lte=returned_on)
    return readings.first()
