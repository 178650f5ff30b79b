"""20 lessees press "Book" on the last place at the same instant: exactly one gets it.

Real PostgreSQL, real transactions, one connection per thread. Repeated, because a race that
is only lost sometimes is the one that matters.
"""

from __future__ import annotations

import datetime as dt

import pytest

from returnkit.turnin.models import Appointment
from returnkit.turnin.services import SLOT_TAKEN, BookingRefused, appointment_book
from tests.concurrency import call_at_once
from tests.factories import NOW, make_dealer, make_lease, make_slot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 20


def _race(targets: list, book) -> list[str]:
    """Run ``book(target)`` in one thread per target, all released at once; return the outcomes."""
    results = call_at_once([lambda target=target: book(target) for target in targets])
    return [_outcome(result) for result in results]


def _outcome(result) -> str:
    if isinstance(result, BookingRefused):
        return result.message
    if isinstance(result, Exception):
        return f"error: {result!r}"
    return "booked"


@pytest.mark.parametrize("attempt", range(3))
def test_twenty_lessees_race_for_the_last_place_and_one_wins(attempt):
    dealer = make_dealer(f"race-{attempt}", "10001", ("Toyota",))
    slot = make_slot(dealer, dt.date(2026, 12, 1), 10, capacity=3)
    for _ in range(2):  # two of the three places are already taken
        appointment_book(lease=make_lease(), slot_id=slot.public_id, user=None, now=NOW)
    leases = [make_lease() for _ in range(THREADS)]

    outcomes = _race(leases, lambda lease: appointment_book(lease=lease, slot_id=slot.public_id, user=None, now=NOW))

    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count(SLOT_TAKEN) == THREADS - 1, outcomes
    assert Appointment.objects.active().filter(slot=slot).count() == 3


def test_one_lease_booking_twenty_different_slots_at_once_gets_one_appointment():
    dealer = make_dealer("race-lease", "10001", ("Toyota",))
    lease = make_lease()
    slots = [make_slot(dealer, dt.date(2026, 12, 1) + dt.timedelta(days=i // 8), 9 + i % 8) for i in range(THREADS)]

    outcomes = _race(slots, lambda slot: appointment_book(lease=lease, slot_id=slot.public_id, user=None, now=NOW))

    assert outcomes.count("booked") == 1, outcomes
    assert all(o == "booked" or "already have a turn-in appointment" in o for o in outcomes), outcomes
    assert Appointment.objects.active().filter(lease=lease).count() == 1
