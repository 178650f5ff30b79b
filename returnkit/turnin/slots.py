"""Turn-in slots: made from a dealer's opening hours and bays, and the ones a lease may book."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leases.models import Dealer, Lease
from returnkit.turnin.geo import zone_for_zip
from returnkit.turnin.models import OpeningHours, TurnInSchedule, TurnInSlot

# A lessee may book from this many days before the scheduled end date.
DAYS_BEFORE_END = 30
# Online, an appointment is moved or cancelled until this long before it, and so booked only this
# far ahead: a time the lessee could not change the moment it is booked is not offered.
CUTOFF = dt.timedelta(hours=24)


def is_ahead_of_cutoff(starts_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a slot starting at ``starts_at`` is still far enough ahead to book, move to, move
    from or cancel online: the one rule behind the times offered and the 24-hour lock."""
    return starts_at - now >= CUTOFF


@dataclass(frozen=True)
class Hours:
    weekday: int
    opens: dt.time
    closes: dt.time


# Used for a dealer nobody has set a schedule up for yet.
DEFAULT_BAYS = 2
DEFAULT_SLOT_MINUTES = 60
DEFAULT_HOURS = (*(Hours(day, dt.time(9), dt.time(17)) for day in range(5)), Hours(5, dt.time(9), dt.time(13)))


def _schedule(dealer: Dealer) -> tuple[int, int, list[Hours]]:
    schedule = TurnInSchedule.objects.filter(dealer=dealer).first()
    if schedule is None:
        return DEFAULT_BAYS, DEFAULT_SLOT_MINUTES, list(DEFAULT_HOURS)
    hours = [Hours(h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(schedule=schedule)]
    return schedule.bays, schedule.slot_minutes, hours


def slots_generate(*, dealer: Dealer, start: dt.date, days: int) -> int:
    """Create the dealer's slots for ``days`` days from ``start``; returns how many were new.

    Safe to run again: existing slots (and their bookings and capacity edits) are left alone.
    """
    bays, minutes, hours = _schedule(dealer)
    by_day = {h.weekday: h for h in hours}
    zone = zone_for_zip(dealer.zip_code)
    step = dt.timedelta(minutes=minutes)
    wanted = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        h = by_day.get(day.weekday())
        if h is None:
            continue
        at = dt.datetime.combine(day, h.opens, tzinfo=zone)
        closes = dt.datetime.combine(day, h.closes, tzinfo=zone)
        while at + step <= closes:
            wanted.append(TurnInSlot(dealer=dealer, starts_at=at, minutes=minutes, capacity=bays))
            at += step
    before = TurnInSlot.objects.filter(dealer=dealer).count()
    TurnInSlot.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=500)
    return TurnInSlot.objects.filter(dealer=dealer).count() - before


def booking_window(lease: Lease) -> tuple[dt.date, dt.date]:
    """First and last day a turn-in may be booked: a month before the scheduled end to the end
    date, which any approved extension moves on."""
    return lease.maturity_date - dt.timedelta(days=DAYS_BEFORE_END), lease.end_date


def in_window(lease: Lease, slot: TurnInSlot) -> bool:
    first, last = booking_window(lease)
    return first <= slot.local_start.date() <= last


def open_slots(*, lease: Lease, dealer: Dealer, now: dt.datetime) -> list[TurnInSlot]:
    """Slots at ``dealer`` with room, in the lease's window and at least ``CUTOFF`` ahead, in time
    order."""
    first, last = booking_window(lease)
    zone = zone_for_zip(dealer.zip_code)
    after = max(now + CUTOFF, dt.datetime.combine(first, dt.time.min, tzinfo=zone))
    before = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    slots = (
        TurnInSlot.objects.filter(dealer=dealer, starts_at__gte=after, starts_at__lt=before)
        .with_room()
        .order_by("starts_at")
    )
    result = list(slots)
    for slot in result:
        slot.dealer = dealer  # local times need the dealer's ZIP code: no query per slot
    return result
