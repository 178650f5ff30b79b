"""Demo data for billing: the demo's returned lease (taylor@example.com) gets its dealer
odometer reading, an inspection, an auction sale and an issued final bill, so `make run` shows
a bill to pay. Safe to run again: each step is skipped once done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from leases.billing import final_bill, inspection
from leases.models import AuctionSale, FinalBill, Inspection, Lease, LeaseParty, OdometerReading
from leases.services import latest_reading, odometer_record

DEMO_EMAIL = "taylor@example.com"
STAFF_EMAIL = "ops@example.com"


def seed_final_bill(today: dt.date) -> FinalBill | None:
    lease = (
        Lease.objects.filter(
            parties__lessee__email=DEMO_EMAIL,
            parties__role=LeaseParty.Role.PRIMARY,
            status__in=[Lease.Status.RETURNED, Lease.Status.INSPECTED, Lease.Status.SOLD],
        )
        .select_related("vehicle")
        .first()
    )
    existing = FinalBill.objects.filter(lease__parties__lessee__email=DEMO_EMAIL).first()
    if lease is None or existing is not None:
        return existing
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    # Back two days after the scheduled end, about 8% over the mileage allowance.
    returned_on = min(lease.maturity_date + dt.timedelta(days=2), today - dt.timedelta(days=30))
    inspected_on, sold_on = returned_on + dt.timedelta(days=3), returned_on + dt.timedelta(days=24)
    if not OdometerReading.objects.filter(lease=lease, source=OdometerReading.Source.DEALER).exists():
        last = latest_reading(lease)
        miles = max(last.miles if last else 0, lease.start_odometer + lease.allowance_total * 108 // 100)
        odometer_record(
            lease=lease, miles=miles, on=returned_on, source=OdometerReading.Source.DEALER, today=today, user=staff
        )
    if not Inspection.objects.filter(lease=lease).exists():
        inspection.inspection_record(
            lease=lease,
            returned_on=returned_on,
            inspected_on=inspected_on,
            wear_total=Decimal("350.00"),
            notes="Scratch over 2 in. on the rear bumper; one tire below 4/32 in.",
            user=staff,
            today=today,
        )
    if not AuctionSale.objects.filter(lease=lease).exists():
        inspection.auction_sale_record(
            lease=lease,
            sold_on=sold_on,
            price=Decimal("27400.00"),
            auction="Demo Auto Auction",
            user=staff,
            today=today,
        )
    return final_bill.final_bill_issue(lease=lease, user=staff, today=today)
