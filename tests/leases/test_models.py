import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from leases.models import InvalidTransition, Lease
from leases.services import odometer_record
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

