"""The dealer's odometer statement is the vehicle's mileage at the return (issue 11, finding 2): a
statement that the reading is not the actual mileage is recorded as such, with its written reason,
whatever a lessee reported before; an "actual" reading below an earlier one tells the dealer what
to do and saves nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from leases.billing import final_bill, inspection
from leases.models import Lease, OdometerReading
from leases.selectors import customer_leases
from leases.services import latest_reading, odometer_record, reading_at_return
from returnkit.turnin.checkin import CheckIn, turnin_check_in
from returnkit.turnin.models import TurnIn
from returnkit.turnin.receipts import receipt_pdf
from tests.factories import NOW, TODAY
from tests.returnkit.pdf import text
from tests.turnin.test_checkin import statement

pytestmark = pytest.mark.django_db
REASON = "Lessee reported 45,000 by mistake; the odometer shows 32,700. Cluster checked, no fault."


@pytest.fixture
def typo(personas) -> OdometerReading:
    """The lessee reported 45,000 miles on November 20 when the odometer said 32,700."""
    return odometer_record(lease=personas.lease, miles=45_000, on=dt.date(2026, 11, 20), source="lessee", today=TODAY)


def walk_in_url(lease: Lease) -> str:
    return reverse("turnin:dealer_walk_in_check_in", args=[lease.public_id])


def test_the_dealer_records_not_actual_with_a_reason_and_the_bill_uses_it(client, personas, typo, dealer_user):
    lease = personas.lease
    client.force_login(dealer_user)
    data = statement(lease, miles=32_700, odometer_status="not_actual", odometer_status_reason=REASON)

    response = client.post(walk_in_url(lease), data)

    assert response.status_code == 302
    turnin = TurnIn.objects.get(lease=lease)
    assert (turnin.odometer_miles, turnin.odometer_status, turnin.odometer_status_reason) == (
        32_700,
        "not_actual",
        REASON,
    )
    assert REASON in " ".join(text(receipt_pdf(turnin)).split())  # the receipt carries the reason
    lease.refresh_from_db()
    assert reading_at_return(lease) == turnin.odometer_reading
    assert latest_reading(lease).miles == 32_700
    assert customer_leases(personas.owner).get(pk=lease.pk).latest_miles == 32_700

    inspection.inspection_record(
        lease=lease, returned_on=TODAY, inspected_on=TODAY, wear_total=Decimal("0.00"), user=None, today=TODAY
    )
    inspection.auction_sale_record(lease=lease, sold_on=TODAY, price=Decimal("21000.00"), user=None, today=TODAY)
    bill = final_bill.final_bill_issue(lease=lease, user=None, today=TODAY)
    assert bill.inputs["event"]["odometer"] == 32_700


def test_a_statement_that_is_not_actual_needs_its_reason(client, personas, typo, dealer_user):
    client.force_login(dealer_user)
    for status in ("not_actual", "exceeds"):
        response = client.post(walk_in_url(personas.lease), statement(personas.lease, odometer_status=status))
        assert response.status_code == 400
        assert "Write why the reading is not the actual mileage" in response.content.decode()
    assert not TurnIn.objects.exists()
    assert personas.lease.odometer_readings.filter(source="dealer").exists() is False


def test_the_service_refuses_a_not_actual_statement_without_a_reason(personas, dealer, dealer_user, typo):
    check_in = CheckIn(miles=32_700, odometer_status="not_actual", lessee_printed_name="P", dealer_rep_name="D")
    with pytest.raises(ValidationError) as refused:
        turnin_check_in(dealer=dealer, lease=personas.lease, check_in=check_in, user=dealer_user, now=NOW, today=TODAY)
    assert refused.value.code == "reason_required"
    personas.lease.refresh_from_db()
    assert personas.lease.status == Lease.Status.ACTIVE
    assert not TurnIn.objects.exists() and not personas.lease.odometer_readings.filter(source="dealer").exists()


def test_an_actual_reading_below_an_earlier_one_says_what_to_do_and_saves_nothing(
    client, personas, typo, dealer_user
):
    client.force_login(dealer_user)
    response = client.post(walk_in_url(personas.lease), statement(personas.lease, miles=32_700))
    assert response.status_code == 400
    page = " ".join(response.content.decode().split())
    assert (
        "32,700 miles is below the earlier reading of 45,000 miles on November 20, 2026, so nothing has been saved."
    ) in page
    assert "“The reading is NOT the actual mileage” and write why below" in page
    assert "the lessee can correct their own latest reading on their lease page" in page
    personas.lease.refresh_from_db()
    assert personas.lease.status == Lease.Status.ACTIVE
    assert not TurnIn.objects.exists()


def test_after_the_lessee_corrects_the_typo_the_actual_reading_goes_through(client, personas, typo, dealer_user):
    from leases.services import odometer_correct

    odometer_correct(
        lease=personas.lease, wrong_miles=45_000, miles=32_600, reason="Typo.", user=None, today=TODAY, now=NOW
    )
    client.force_login(dealer_user)
    assert client.post(walk_in_url(personas.lease), statement(personas.lease, miles=32_700)).status_code == 302
    assert TurnIn.objects.get(lease=personas.lease).odometer_status == "actual"


def test_the_dealer_statement_is_the_latest_reading_even_below_one_the_same_day(personas, dealer, dealer_user):
    odometer_record(lease=personas.lease, miles=45_000, on=TODAY, source="lessee", today=TODAY)
    check_in = CheckIn(
        miles=32_700,
        odometer_status="not_actual",
        odometer_status_reason=REASON,
        lessee_printed_name="P",
        dealer_rep_name="D",
    )
    turnin_check_in(dealer=dealer, lease=personas.lease, check_in=check_in, user=dealer_user, now=NOW, today=TODAY)
    lease = Lease.objects.get(pk=personas.lease.pk)
    assert latest_reading(lease).miles == 32_700
    assert lease.odometer_projection(TODAY).miles == 32_700
    assert customer_leases(personas.owner).get(pk=lease.pk).latest_miles == 32_700
