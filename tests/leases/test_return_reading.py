"""After the return, the dealer's odometer statement is the vehicle's last word on mileage
(issue 11, finding 3): the lessee's form takes no more readings, and the bill uses the statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leases.billing import final_bill
from leases.models import OdometerReading
from leases.services import odometer_record, reading_at_return
from tests.factories import EXAMPLE_RETURN, EXAMPLE_START, TODAY, make_lease, make_lessee, make_user, return_and_sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned():
    owner = make_user("owner@example.com")
    lease = make_lease(make_lessee(owner), start=EXAMPLE_START)
    return owner, return_and_sell(lease)  # the dealer recorded 41,012 miles on 2026-03-15


def test_the_lessee_cannot_record_a_reading_once_the_vehicle_is_returned(returned):
    _, lease = returned
    with pytest.raises(ValidationError) as refused:
        odometer_record(lease=lease, miles=45_000, on=TODAY, source=OdometerReading.Source.LESSEE, today=TODAY)
    assert refused.value.code == "returned"
    assert lease.odometer_readings.count() == 2  # signing and the dealer's statement, nothing more


def test_the_odometer_page_explains_and_saves_nothing_after_the_return(client, returned):
    owner, lease = returned
    client.force_login(owner)
    url = reverse("leases:odometer", args=[lease.public_id])
    page = client.get(url).content.decode()
    assert "odometer statement" in page and "March 15, 2026" in page
    assert 'name="miles"' not in page
    response = client.post(url, {"miles": "45000", "reading_date": TODAY.isoformat()})
    assert response.status_code == 400
    assert lease.odometer_readings.filter(miles=45_000).exists() is False


def test_the_bill_uses_the_dealer_statement_not_a_later_reading(returned):
    _, lease = returned
    # A reading that slipped in after the return (entered before this rule, or by operations).
    OdometerReading.objects.create(lease=lease, reading_date=TODAY, miles=45_000, source=OdometerReading.Source.LESSEE)
    assert reading_at_return(lease).miles == 41_012
    bill = final_bill.final_bill_issue(lease=lease, user=None, today=TODAY)
    assert bill.inputs["event"]["odometer"] == 41_012
    assert bill.total == Decimal("1723.13")  # LEASE_MATH's worked example, to the cent


def test_without_a_dealer_statement_the_last_reading_on_or_before_the_return_counts():
    lease = make_lease(make_lessee(make_user()), start=EXAMPLE_START)
    OdometerReading.objects.create(lease=lease, reading_date=EXAMPLE_RETURN, miles=41_000, source="lessee")
    OdometerReading.objects.create(
        lease=lease, reading_date=EXAMPLE_RETURN + dt.timedelta(days=5), miles=41_300, source="lessee"
    )
    lease.mark_returned()
    assert reading_at_return(lease, returned_on=EXAMPLE_RETURN).miles == 41_000
