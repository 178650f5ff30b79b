"""Billing fixtures: leases taken through return, inspection and sale, and a billed lease with
the three personas (owner, co-lessee, outsider)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest

from leases.billing import final_bill, inspection, payments
from leases.models import Lease, OdometerReading
from tests.conftest import TODAY
from tests.factories import make_lease, make_lessee, make_user

# LEASE_MATH.md's worked example: a turn-in on 2026-03-15 at 41,012 miles owes 1,723.13 before
# the 500.00 deposit (excess mileage 1,250.00, disposition 395.00, taxes 78.13).
EXAMPLE_START = dt.date(2023, 3, 15)
EXAMPLE_RETURN = dt.date(2026, 3, 15)
EXAMPLE_ODOMETER = 41_012
GOOD_ROUTING = "011000015"  # a valid ABA check digit
OTHER_ROUTING = "021000021"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(db):
    return make_user("ops@example.com", is_staff=True, is_superuser=True)


def return_and_sell(
    lease: Lease,
    *,
    returned_on: dt.date = EXAMPLE_RETURN,
    odometer: int = EXAMPLE_ODOMETER,
    wear: str = "0.00",
    price: str = "21000.00",
    early: bool = False,
    user=None,
) -> Lease:
    lease.mark_terminated_early() if early else lease.mark_returned()
    OdometerReading.objects.create(
        lease=lease, reading_date=returned_on, miles=odometer, source=OdometerReading.Source.DEALER
    )
    inspection.inspection_record(
        lease=lease,
        returned_on=returned_on,
        inspected_on=returned_on + dt.timedelta(days=2),
        wear_total=Decimal(wear),
        user=user,
        today=TODAY,
    )
    inspection.auction_sale_record(
        lease=lease, sold_on=returned_on + dt.timedelta(days=10), price=Decimal(price), user=user, today=TODAY
    )
    return lease


def issue(lease: Lease, user=None):
    return final_bill.final_bill_issue(lease=lease, user=user, today=TODAY)


@pytest.fixture
def billed(db, django_capture_on_commit_callbacks):
    """The worked example, returned, sold and billed: 1,223.13 to pay. Owner, co-lessee, outsider."""
    owner, co, outsider = make_user("owner@example.com"), make_user("co@example.com"), make_user("outsider@example.com")
    lease = make_lease(make_lessee(owner), co_lessee=make_lessee(co), start=EXAMPLE_START)
    other = make_lease(make_lessee(outsider), start=EXAMPLE_START)
    return_and_sell(lease)
    with django_capture_on_commit_callbacks(execute=True):
        bill = issue(lease)
    return SimpleNamespace(owner=owner, co_lessee=co, outsider=outsider, lease=lease, other_lease=other, bill=bill)


def pay_form(amount: str = "1223.13", **overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "amount": amount,
        "holder_name": "Pat Lessee",
        "account_type": "checking",
        "routing_number": GOOD_ROUTING,
        "account_number": "000123456789",
        "account_number_again": "000123456789",
        "authorize": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pay(
    lease: Lease,
    user,
    amount: str,
    *,
    routing: str = GOOD_ROUTING,
    account: str = "000123456789",
    account_type: str = "checking",
    key=None,
):
    return payments.payment_create(
        lease=lease,
        amount=Decimal(amount),
        debit=payments.Debit(
            user=user,
            bank=payments.BankDetails("Pat Lessee", routing, account, account_type),
            idempotency_key=key or uuid.uuid4(),
            authorization=payments.authorization_text(lease),
            ip="203.0.113.7",
        ),
        today=TODAY,
    )
