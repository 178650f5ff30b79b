import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from leases.models import InvalidTransition, Lease
from leases.services import odometer_record
from quotes.engine import EarlyTermination, TurnIn, compute_quote
from tests.factories import make_lease

pytestmark = pytest.mark.django_db


def test_scheduled_end_date_is_start_plus_term_clamped_to_month_end():
    lease = make_lease(start=dt.date(2024, 1, 31), term_months=1)
    assert lease.maturity_date == dt.date(2024, 2, 29)


def test_vin_with_bad_check_digit_cannot_be_saved_through_validation():
    lease = make_lease()
    vehicle = lease.vehicle
    vehicle.vin = vehicle.vin[:8] + ("1" if vehicle.vin[8] != "1" else "2") + vehicle.vin[9:]
    with pytest.raises(ValidationError) as info:
        vehicle.full_clean()
    assert "check digit" in str(info.value)


def test_allowance_to_date_is_prorated_by_day():
    lease = make_lease(start=dt.date(2024, 1, 1), annual_miles=12000, purchased_miles=1000)
    assert lease.miles_allowed_to(dt.date(2024, 7, 1)) == 12000 * 182 // 365 + 1000
    assert lease.allowance_total == 37000


def _days(first: dt.date, last: dt.date):
    return (first + dt.timedelta(days=n) for n in range((last - first).days + 1))


@pytest.mark.parametrize(
    ("start", "term_months", "purchased_miles"),
    [
        (dt.date(2023, 11, 15), 36, 0),  # 1,096 days with a leap day: prorating the whole term gives 36,032
        (dt.date(2023, 12, 15), 36, 1500),
        (dt.date(2024, 1, 31), 24, 0),
        (dt.date(2025, 3, 1), 12, 0),
    ],
)
def test_allowed_to_date_is_the_engine_s_prorated_allowance_and_never_more_than_the_whole(
    start, term_months, purchased_miles
):
    """Before the end, the figure an early return is billed against (the engine's prorated
    allowance); from the end on, the figure a turn-in is billed against (allowance_total)."""
    lease = make_lease(start=start, term_months=term_months, purchased_miles=purchased_miles)
    terms = lease.terms()
    assert lease.allowance_total == terms.allowance_total == 12000 * term_months // 12 + purchased_miles
    for day in _days(start, lease.maturity_date - dt.timedelta(days=1)):
        assert lease.miles_allowed_to(day) == terms.prorated_allowance(day) <= lease.allowance_total, day
    for day in _days(lease.maturity_date, lease.maturity_date + dt.timedelta(days=200)):
        assert lease.miles_allowed_to(day) == lease.allowance_total, day
    assert lease.miles_allowed_to(start - dt.timedelta(days=1)) == purchased_miles  # nothing earned yet


def test_allowed_to_date_is_capped_where_the_prorated_days_outrun_the_months():
    """Seven months from March 1 are 214 days, more than 7/12 of 365: the day before the end,
    prorating by day earns 7,002 miles of a 7,000-mile allowance. The figure stops at 7,000."""
    lease = make_lease(start=dt.date(2025, 3, 1), term_months=7)
    day = lease.maturity_date - dt.timedelta(days=1)
    assert lease.terms().prorated_allowance(day) == 7002
    assert lease.miles_allowed_to(day) == lease.allowance_total == 7000
    for day in _days(lease.start_date, lease.maturity_date + dt.timedelta(days=30)):
        assert lease.miles_allowed_to(day) <= lease.allowance_total, day


@pytest.mark.parametrize("driven", [0, 20_000, 24_031, 24_032, 30_000, 36_000, 38_880])
def test_miles_over_is_what_the_bill_would_charge_for_those_miles(driven):
    """Before the end, an early return's excess miles; from the end on, a turn-in's."""
    lease = make_lease(start=dt.date(2023, 11, 15))  # 36 months, 1,096 days
    terms, odometer = lease.terms(), lease.start_odometer + driven
    for day in (dt.date(2025, 11, 15), lease.maturity_date - dt.timedelta(days=1)):
        early = compute_quote(terms, EarlyTermination(date=day, odometer=odometer, realized_value=Decimal("21000")))
        assert lease.miles_over(driven, day) == int(early.derived["excess_miles"]), day
    for day in (lease.maturity_date, lease.maturity_date + dt.timedelta(days=10)):
        turn_in = compute_quote(terms, TurnIn(date=day, odometer=odometer))
        assert lease.miles_over(driven, day) == int(turn_in.derived["excess_miles"]), day
    assert lease.miles_over(38_880, lease.maturity_date) == 2_880


def test_status_moves_only_along_the_state_machine():
    lease = make_lease()
    lease.mark_returned()
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.RETURNED
    with pytest.raises(InvalidTransition):
        lease.mark_purchased()
    lease.mark_inspected()
    lease.mark_sold()
    lease.close()
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.CLOSED


def test_a_stale_copy_cannot_move_a_lease_twice():
    lease = make_lease()
    stale = Lease.objects.get(pk=lease.pk)
    lease.mark_purchased()
    with pytest.raises(InvalidTransition):
        stale.mark_returned()
    assert Lease.objects.get(pk=lease.pk).status == Lease.Status.PURCHASED


class TestOdometer:
    today = dt.date(2026, 11, 25)

    def record(self, lease, miles, on):
        return odometer_record(lease=lease, miles=miles, on=on, source="lessee", today=self.today)

    def test_a_plausible_reading_is_recorded(self):
        lease = make_lease(start=dt.date(2024, 1, 1))
        reading = self.record(lease, 30500, dt.date(2026, 11, 1))
        assert reading.miles == 30500
        assert lease.odometer_readings.count() == 2

    def test_a_reading_below_the_previous_one_is_refused(self):
        lease = make_lease(start=dt.date(2024, 1, 1))
        self.record(lease, 30500, dt.date(2026, 11, 1))
        with pytest.raises(ValidationError) as info:
            self.record(lease, 30499, dt.date(2026, 11, 20))
        assert "below the last reading of 30,500 miles" in info.value.messages[0]
        assert lease.odometer_readings.count() == 2

    def test_an_impossible_jump_is_refused(self):
        lease = make_lease(start=dt.date(2024, 1, 1))
        self.record(lease, 30500, dt.date(2026, 11, 1))
        with pytest.raises(ValidationError) as info:
            self.record(lease, 60000, dt.date(2026, 11, 3))
        assert info.value.code == "impossible_jump"

    def test_a_future_date_is_refused(self):
        lease = make_lease(start=dt.date(2024, 1, 1))
        with pytest.raises(ValidationError) as info:
            self.record(lease, 30500, self.today + dt.timedelta(days=1))
        assert info.value.code == "future"

    def test_a_backdated_reading_above_a_later_one_is_refused(self):
        lease = make_lease(start=dt.date(2024, 1, 1))
        self.record(lease, 30500, dt.date(2026, 11, 1))
        with pytest.raises(ValidationError) as info:
            self.record(lease, 31000, dt.date(2026, 10, 1))
        assert info.value.code == "above_later"


def test_for_customer_returns_only_leases_the_user_is_party_to(personas):
    lease = personas.lease
    assert list(Lease.objects.for_customer(personas.owner)) == [lease]
    assert list(Lease.objects.for_customer(personas.co_lessee)) == [lease]
    assert lease not in Lease.objects.for_customer(personas.outsider)

