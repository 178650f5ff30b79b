"""Small builders for tests. Leases are made with the demo's terms unless told otherwise."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from stdnum import luhn

from leases.identifiers import with_vin_check_digit
from leases.models import Lease, LeaseParty, Lessee, Make, OdometerReading, Vehicle, VehicleEquipment

_serial = itertools.count(1)
PASSWORD = "a-long-test-password-1"


def make_user(email: str | None = None, **extra):
    n = next(_serial)
    email = email or f"user{n}@example.com"
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_lessee(user=None, *, zip_code: str = "10001", email: str = "", **extra) -> Lessee:
    n = next(_serial)
    defaults = {
        "first_name": "Pat",
        "last_name": f"Lessee{n}",
        "address_line1": "1 Main Street",
        "city": "New York",
        "state": "NY",
    }
    defaults.update(extra)
    return Lessee.objects.create(user=user, zip_code=zip_code, email=email or (user.email if user else ""), **defaults)


def make_lease(
    lessee: Lessee | None = None,
    *,
    co_lessee: Lessee | None = None,
    start: dt.date = dt.date(2023, 12, 15),
    term_months: int = 36,
    make: str = "Toyota",
    status: str = Lease.Status.ACTIVE,
    **terms,
) -> Lease:
    n = next(_serial)
    vehicle = Vehicle.objects.create(
        vin=with_vin_check_digit(f"2T3AB1C0P{n:08d}"),
        year=2023,
        make=Make.objects.get_or_create(name=make)[0],
        model="RAV4",
        trim="XLE",
        body_type="4-door SUV",
        colour="Gray",
    )
    VehicleEquipment.objects.create(vehicle=vehicle, name="Smart key", quantity=2)
    base = f"{500000000 + n:09d}"
    values = {
        "adjusted_cap_cost": Decimal("32500.00"),
        "residual_value": Decimal("19500.00"),
        "money_factor": Decimal("0.00125"),
        "tax_rate": Decimal("0.0625"),
        "start_odometer": 12,
        "annual_miles": 12000,
        "excess_mile_rate": Decimal("0.25"),
        "disposition_fee": Decimal("395.00"),
        "purchase_option_fee": Decimal("300.00"),
        "security_deposit": Decimal("500.00"),
    }
    values.update(terms)
    lease = Lease(
        account_number=base + luhn.calc_check_digit(base),
        vehicle=vehicle,
        registration_state="NY",
        start_date=start,
        term_months=term_months,
        status=status,
        **values,
    )
    lease.schedule_end_date()
    lease.full_clean()
    lease.save()
    LeaseParty.objects.create(lease=lease, lessee=lessee or make_lessee(), role=LeaseParty.Role.PRIMARY)
    if co_lessee:
        LeaseParty.objects.create(lease=lease, lessee=co_lessee, role=LeaseParty.Role.CO_LESSEE)
    OdometerReading.objects.create(
        lease=lease, reading_date=start, miles=lease.start_odometer, source=OdometerReading.Source.SIGNING
    )
    return lease
