"""Small builders for tests, the one place every test and fixture takes them from. Leases are made
with the demo's terms unless told otherwise. Who is who (owner, co-lessee, outsider, dealers,
staff) is tests/world.py's business; this module only makes things.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid
import zoneinfo
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from stdnum import luhn

from leases.billing import final_bill, inspection, payments
from leases.identifiers import with_vin_check_digit
from leases.models import Dealer, Lease, LeaseParty, Lessee, Make, OdometerReading, Vehicle, VehicleEquipment
from returnkit.turnin.geo import zip_point
from returnkit.turnin.models import DealerStaff, TurnInSlot
from wear.models import DisputeRule, InspectionCompany, Inspector, WearStandard

_serial = itertools.count(1)
PASSWORD = "a-long-test-password-1"

# The pinned clock: tests/conftest.py pins PORTAL_TODAY to TODAY for every test; the turn-in and
# page-walking fixtures pin PORTAL_NOW to NOW (9 a.m. in New York), so the 24-hour cut-off is exact.
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=NEW_YORK)

# LEASE_MATH.md's worked example: a turn-in on 2026-03-15 at 41,012 miles owes 1,723.13 before
# the 500.00 deposit (excess mileage 1,250.00, disposition 395.00, taxes 78.13).
# Every status in which the lessee no longer has the car.
FINISHED_STATUSES = [status for status in Lease.Status if status not in Lease.Status.open_values()]
EXAMPLE_START = dt.date(2023, 3, 15)
EXAMPLE_RETURN = dt.date(2026, 3, 15)
EXAMPLE_ODOMETER = 41_012
GOOD_ROUTING = "011000015"  # a valid ABA check digit
OTHER_ROUTING = "021000021"


# Operations and dealer staff must have an authenticator app (portal.twofactor), so the makers
# give them one with this secret; tests.totp.totp(TOTP_SECRET) is the code it shows now.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(email: str | None = None, *, two_factor: bool | None = None, **extra):
    """A user with a verified email; staff (``is_staff``) also get an authenticator unless
    ``two_factor=False``."""
    n = next(_serial)
    email = email or f"user{n}@example.com"
    user = get_user_model().objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if two_factor if two_factor is not None else user.is_staff:
        give_authenticator(user)
    return user


def give_authenticator(user, secret: str = TOTP_SECRET) -> Authenticator:
    """An authenticator app for ``user``, stored as allauth stores one (secret through the MFA adapter)."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_mfa_adapter().encrypt(secret)}
    )


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


def lease_ending_in(days: int, *, lessee=None, co_lessee=None, status: str = Lease.Status.ACTIVE, **terms) -> Lease:
    """A 36-month lease whose scheduled end is ``days`` after the pinned today (2026-11-25)."""
    end = TODAY + dt.timedelta(days=days)
    assert end.day <= 28, "keep the day clear of month-end clamping"
    lease = make_lease(
        lessee or make_lessee(make_user()),
        co_lessee=co_lessee,
        start=end.replace(year=end.year - 3),
        status=status,
        **terms,
    )
    assert lease.maturity_date == end
    return lease


def add_reading(lease: Lease, day: dt.date, miles: int) -> OdometerReading:
    return OdometerReading.objects.create(lease=lease, reading_date=day, miles=miles, source="lessee")


# --- dealers and turn-in slots, at real ZIP centroids and fixed local times ---------------------


def make_dealer(code: str, zip_code: str = "10001", makes: tuple[str, ...] = ("Toyota",), **extra) -> Dealer:
    point = zip_point(zip_code)
    dealer = Dealer.objects.create(
        code=code,
        name=extra.pop("name", code.replace("-", " ").title()),
        address_line1=extra.pop("address_line1", "1 Dealer Way"),
        city=point.city,
        state=point.state,
        zip_code=zip_code,
        latitude=Decimal(f"{point.latitude:.6f}"),
        longitude=Decimal(f"{point.longitude:.6f}"),
        phone=extra.pop("phone", "555-0199"),
        hours="Mon–Fri 9 a.m.–5 p.m.",
        **extra,
    )
    dealer.makes.set([Make.objects.get_or_create(name=m)[0] for m in makes])
    return dealer


def make_slot(dealer: Dealer, day: dt.date, hour: int = 10, *, capacity: int = 2, minute: int = 0) -> TurnInSlot:
    zone = zoneinfo.ZoneInfo(zip_point(dealer.zip_code).time_zone)
    return TurnInSlot.objects.create(
        dealer=dealer, starts_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone), capacity=capacity
    )


def make_dealer_user(dealer: Dealer, email: str | None = None, *, two_factor: bool = True):
    user = make_user(email, two_factor=two_factor)
    DealerStaff.objects.create(user=user, dealer=dealer)
    return user


# --- billing: a lease taken through return, inspection and sale; the bill; online payments ------


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


# --- wear: inspectors and photos ---------------------------------------------------------------


def ensure_wear_standard() -> None:
    """The seeded wear standard and state dispute rules, put back if a transactional test flushed them."""
    from importlib import import_module

    from django.apps import apps

    if not WearStandard.objects.exists():
        import_module("wear.migrations.0002_seed_standard").seed(apps, None)
        import_module("wear.migrations.0006_spanish_words").spanish_words(apps, None)
    if not DisputeRule.objects.exists():
        import_module("wear.migrations.0004_disputes").seed_rules(apps, None)


def make_inspector(company_code: str = "clearview", email: str | None = None, *, two_factor: bool = True):
    company, _ = InspectionCompany.objects.get_or_create(code=company_code, defaults={"name": company_code.title()})
    user = make_user(email, two_factor=two_factor)
    Inspector.objects.create(user=user, company=company)
    return user


def photo_upload(
    name: str = "dent.jpg", *, fmt: str = "JPEG", size: tuple[int, int] = (640, 480), exif=None
) -> SimpleUploadedFile:
    """A real image file as a browser would upload it (``exif``: a PIL.Image.Exif to embed)."""
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, (180, 40, 40)).save(out, fmt, **options)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)
