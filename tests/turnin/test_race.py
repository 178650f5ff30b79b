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


@pytest.mark.parametrize("attempt", range(3))
def test_two_moves_of_one_appointment_at_once_never_answer_500(attempt, settings):
    from django.urls import reverse

    from tests.concurrency import fire_at_once
    from tests.factories import make_lessee, make_user

    settings.PORTAL_NOW = NOW
    dealer = make_dealer(f"move-{attempt}", "10001", ("Toyota",))
    owner = make_user(f"mover{attempt}@example.com")
    lease = make_lease(make_lessee(owner))
    first = make_slot(dealer, dt.date(2026, 12, 1), 10)
    targets = [make_slot(dealer, dt.date(2026, 12, 2), 9 + i) for i in range(2)]
    appointment_book(lease=lease, slot_id=first.public_id, user=owner, now=NOW)
    url = reverse("turnin:times", args=[lease.public_id, dealer.code])

    responses = fire_at_once(url, owner, [{"slot": str(target.public_id)} for target in targets])

    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses in ([302, 302], [302, 409]), statuses
    for response in responses:
        if response.status_code == 409:
            assert "This appointment just changed" in response.content.decode()
    [active] = Appointment.objects.active().filter(lease=lease)
    assert active.slot in targets and active.sequence == statuses.count(302)
