"""Demo data: a small believable portfolio for people, and a large one for benchmarks.

Dates are relative to ``today`` so the demo always has leases ending in ~150, ~110, ~60 and ~20
days, one past its end date and one returned.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import zipcodes
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from stdnum import luhn

from leases.identifiers import with_vin_check_digit
from leases.models import Dealer, Lease, LeaseParty, Lessee, Make, OdometerReading, Vehicle, VehicleEquipment
from leases.services import odometer_correct
from quotes.engine import add_months

DEMO_PASSWORD = "demo-lease-2026"  # noqa: S105 - printed for people trying the demo
STAFF_EMAIL = "ops@example.com"

DEALERS = [
    ("hudson-toyota", "Hudson Valley Toyota", "410 Tenth Avenue", "10001", ["Toyota"]),
    ("brooklyn-honda", "Brooklyn Bridge Honda", "88 Atlantic Avenue", "11201", ["Honda"]),
    ("harbor-motors", "Harbor Motors", "12 River Street", "07030", ["Toyota", "Honda", "Hyundai"]),
    ("charles-subaru", "Charles River Subaru", "250 Main Street", "02139", ["Subaru"]),
    ("patriot-auto", "Patriot Auto Group", "77 Commonwealth Road", "02215", ["Ford", "Subaru", "Toyota"]),
    ("chesapeake-ford", "Chesapeake Ford", "901 Pratt Street", "21201", ["Ford"]),
    ("lakeshore-hyundai", "Lakeshore Hyundai", "3300 Woodward Avenue", "48201", ["Hyundai"]),
    ("potomac-bmw", "Potomac BMW", "1500 Wilson Boulevard", "22201", ["BMW"]),
    ("capitol-motors", "Capitol Motors", "55 Asylum Street", "06103", ["BMW", "Ford", "Honda"]),
    ("liberty-auto", "Liberty Auto Mall", "1601 Market Street", "19103", ["Toyota", "Ford", "Hyundai", "Subaru"]),
]
HOURS = "Mon–Fri 9 a.m.–7 p.m.\nSat 9 a.m.–5 p.m.\nSun closed"


@dataclass(frozen=True)
class DemoLease:
    email: str
    first: str
    last: str
    zip_code: str
    street: str
    make: str
    model: str
    trim: str
    body: str
    colour: str
    year: int
    ends_in_days: int
    miles_pace: float  # share of the allowance driven so far
    status: str = Lease.Status.ACTIVE
    co_lessee: tuple[str, str, str] | None = None  # email, first, last
    linked: bool = True
    typo_corrected: bool = False  # a reading typed with an extra digit, then corrected by the lessee


DEMO_LEASES = [
    DemoLease(
        "alex@example.com",
        "Alex",
        "Rivera",
        "10001",
        "210 West 29th Street",
        "Toyota",
        "RAV4",
        "XLE",
        "4-door SUV",
        "Magnetic Gray",
        2023,
        110,
        1.12,
    ),
    DemoLease(
        "alex@example.com",
        "Alex",
        "Rivera",
        "10001",
        "210 West 29th Street",
        "Honda",
        "Civic",
        "EX",
        "4-door sedan",
        "Platinum White",
        2023,
        20,
        0.93,
        Lease.Status.MATURING,
    ),
    DemoLease(
        "jordan@example.com",
        "Jordan",
        "Lee",
        "02139",
        "14 Brattle Street",
        "Subaru",
        "Outback",
        "Premium",
        "4-door wagon",
        "Autumn Green",
        2023,
        60,
        1.05,
        Lease.Status.MATURING,
        co_lessee=("sam@example.com", "Sam", "Lee"),
        typo_corrected=True,
    ),
    DemoLease(
        "casey@example.com",
        "Casey",
        "Morgan",
        "21201",
        "30 Light Street",
        "Ford",
        "Escape",
        "SEL",
        "4-door SUV",
        "Carbonized Gray",
        2023,
        150,
        0.81,
    ),
    DemoLease(
        "morgan@example.com",
        "Morgan",
        "Price",
        "48201",
        "1200 Cass Avenue",
        "Hyundai",
        "Tucson",
        "SEL",
        "4-door SUV",
        "Amazon Gray",
        2023,
        -12,
        1.0,
        Lease.Status.MATURING,
    ),
    DemoLease(
        "taylor@example.com",
        "Taylor",
        "Brooks",
        "22201",
        "900 North Glebe Road",
        "BMW",
        "X3",
        "xDrive30i",
        "4-door SUV",
        "Alpine White",
        2023,
        -40,
        1.08,
        Lease.Status.RETURNED,
    ),
    DemoLease(
        "new.lessee@example.com",
        "Riley",
        "Chen",
        "06103",
        "8 Pearl Street",
        "Honda",
        "CR-V",
        "Sport",
        "4-door SUV",
        "Meteorite Gray",
        2023,
        95,
        0.9,
        linked=False,
    ),
]


def _zip_point(zip_code: str) -> tuple[Decimal, Decimal, str, str]:
    info = zipcodes.matching(zip_code)[0]
    return Decimal(info["lat"]), Decimal(info["long"]), info["city"], info["state"]


def _vin(make: str, serial: int) -> str:
    prefix = {"Toyota": "2T3", "Honda": "2HG", "Subaru": "4S4", "Ford": "1FM", "Hyundai": "5NM", "BMW": "5UX"}
    return with_vin_check_digit(f"{prefix.get(make, '1XX')}AB1C0P{serial:08d}"[:17])


def _account(serial: int) -> str:
    base = f"{400000000 + serial:09d}"
    return base + luhn.calc_check_digit(base)


def _terms(start: dt.date, *, cap: Decimal, residual: Decimal) -> dict:
    return {
        "start_date": start,
        "term_months": 36,
        "adjusted_cap_cost": cap,
        "residual_value": residual,
        "money_factor": Decimal("0.00125"),
        "tax_rate": Decimal("0.0625"),
        "start_odometer": 12,
        "annual_miles": 12000,
        "excess_mile_rate": Decimal("0.25"),
        "disposition_fee": Decimal("395.00"),
        "purchase_option_fee": Decimal("300.00"),
        "security_deposit": Decimal("500.00"),
        "max_extension_days": 180,
    }


def ensure_makes_and_dealers() -> dict[str, Make]:
    makes = {
        name: Make.objects.get_or_create(name=name)[0]
        for name in ["Toyota", "Honda", "Subaru", "Ford", "Hyundai", "BMW"]
    }
    for i, (code, name, street, zip_code, dealer_makes) in enumerate(DEALERS):
        lat, lng, city, state = _zip_point(zip_code)
        dealer, _ = Dealer.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "address_line1": street,
                "city": city,
                "state": state,
                "zip_code": zip_code,
                "latitude": lat,
                "longitude": lng,
                "phone": f"555-01{i:02d}",
                "hours": HOURS,
            },
        )
        dealer.makes.set([makes[m] for m in dealer_makes])
    return makes


def _user(email: str, first: str, last: str, password_hash: str):
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "password": password_hash}
    )
    if created:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def seed_people(today: dt.date) -> list[tuple[str, str]]:
    """Create the small portfolio once; returns (sign-in, what it shows) pairs to print.
    portal.demo adds the final bill and the dealers' turn-in data on top."""
    makes = ensure_makes_and_dealers()
    password_hash = make_password(DEMO_PASSWORD)
    staff = _user(STAFF_EMAIL, "Olivia", "Ops", password_hash)
    if not staff.is_staff:
        staff.is_staff = staff.is_superuser = True
        staff.save(update_fields=["is_staff", "is_superuser"])
    rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
    for serial, spec in enumerate(DEMO_LEASES, start=1):
        account = _account(serial)
        if Lease.objects.filter(account_number=account).exists():
            continue
        _demo_lease(serial, account, spec, makes, password_hash, today, rng)
    return [
        (STAFF_EMAIL, "operations (admin at /ops/)"),
        ("alex@example.com", "two vehicles: ends in ~110 and ~20 days"),
        ("jordan@example.com", "lease ending in ~60 days, with co-lessee sam@example.com; a corrected odometer typo"),
        ("casey@example.com", "lease ending in ~150 days"),
        ("morgan@example.com", "lease past its end date"),
        ("taylor@example.com", "vehicle returned, inspected and sold: a final bill to pay"),
    ]


def _demo_lease(serial, account, spec: DemoLease, makes, password_hash, today, rng) -> None:
    _, _, city, state = _zip_point(spec.zip_code)
    maturity = today + dt.timedelta(days=spec.ends_in_days)
    start = add_months(maturity, -36)
    vehicle = Vehicle.objects.create(
        vin=_vin(spec.make, serial),
        year=spec.year,
        make=makes[spec.make],
        model=spec.model,
        trim=spec.trim,
        body_type=spec.body,
        colour=spec.colour,
    )
    equipment = [("Smart key", 2, "350.00"), ("Owner's manual", 1, "0.00"), ("Floor mats (set)", 1, "120.00")]
    if "SUV" in spec.body or "wagon" in spec.body:
        equipment.append(("Cargo cover", 1, "175.00"))
    VehicleEquipment.objects.bulk_create(
        VehicleEquipment(vehicle=vehicle, name=n, quantity=q, charge_each=Decimal(c)) for n, q, c in equipment
    )
    lease = Lease(
        account_number=account,
        vehicle=vehicle,
        registration_state=state,
        status=spec.status,
        **_terms(start, cap=Decimal("32500.00"), residual=Decimal("19500.00")),
    )
    lease.schedule_end_date()
    lease.save()
    user = _user(spec.email, spec.first, spec.last, password_hash) if spec.linked else None
    primary = Lessee.objects.filter(email=spec.email).first() or Lessee.objects.create(
        user=user,
        first_name=spec.first,
        last_name=spec.last,
        email=spec.email,
        address_line1=spec.street,
        city=city,
        state=state,
        zip_code=spec.zip_code,
        phone="555-0123",
    )
    LeaseParty.objects.create(lease=lease, lessee=primary, role=LeaseParty.Role.PRIMARY)
    if spec.co_lessee:
        email, first, last = spec.co_lessee
        co_user = _user(email, first, last, password_hash)
        co = Lessee.objects.create(
            user=co_user,
            first_name=first,
            last_name=last,
            email=email,
            address_line1=spec.street,
            city=city,
            state=state,
            zip_code=spec.zip_code,
        )
        LeaseParty.objects.create(lease=lease, lessee=co, role=LeaseParty.Role.CO_LESSEE)
    readings = [(start, lease.start_odometer, OdometerReading.Source.SIGNING)]
    last_date = min(today, maturity) - dt.timedelta(days=rng.randint(5, 25))
    driven = int(lease.miles_allowed_to(last_date) * spec.miles_pace)
    readings.append((last_date, lease.start_odometer + driven, OdometerReading.Source.LESSEE))
    OdometerReading.objects.bulk_create(
        OdometerReading(lease=lease, reading_date=d, miles=m, source=s) for d, m, s in readings
    )
    if spec.typo_corrected:
        _typo_corrected(lease, last_date, lease.start_odometer + driven, user, today)


def _typo_corrected(lease: Lease, last_date: dt.date, miles: int, user, today: dt.date) -> None:
    """A later reading typed with an extra digit, corrected by the lessee: struck through on the page."""
    day = min(today, last_date + dt.timedelta(days=3))
    typo = OdometerReading.objects.create(
        lease=lease, reading_date=day, miles=miles * 10, source=OdometerReading.Source.LESSEE, recorded_by=user
    )
    now = dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)
    odometer_correct(
        lease=lease,
        wrong_miles=typo.miles,
        miles=miles + 90,
        reason="Typed an extra zero.",
        user=user,
        today=today,
        now=now,
    )


def unlinked_demo_lease() -> Lease | None:
    return Lease.objects.filter(parties__lessee__email="new.lessee@example.com").select_related("vehicle").first()


def seed_portfolio(count: int, today: dt.date, *, batch: int = 5000) -> int:
    """Bulk-create ``count`` leases for benchmarks: one user with 10 leases, 1,000 with one each."""
    makes = list(ensure_makes_and_dealers().values())
    password_hash = make_password(DEMO_PASSWORD)
    User = get_user_model()
    start_serial = 1_000_000 + (Lease.objects.count())
    rng = random.Random(count)  # noqa: S311 - demo data, not secrets
    created = 0
    # The bench users (1,000 with one lease, one with 10) come with the first load only: a second
    # load (a bigger portfolio) adds leases without accounts.
    first_load = not User.objects.filter(email="bench-0@example.com").exists()
    multi_user = _user("bench-multi@example.com", "Multi", "Lease", password_hash)
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        serials = range(start_serial + offset, start_serial + offset + size)
        with transaction.atomic():
            vehicles = Vehicle.objects.bulk_create(
                Vehicle(vin=_vin("X", s), year=2023, make=makes[s % len(makes)], model="Demo", body_type="4-door sedan")
                for s in serials
            )
            users = {}
            wanted_users = [s for s in serials if s - start_serial < 1000] if first_load else []
            if wanted_users:
                made = User.objects.bulk_create(
                    User(email=f"bench-{s - start_serial}@example.com", password=password_hash, first_name="Bench")
                    for s in wanted_users
                )
                EmailAddress.objects.bulk_create(
                    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in made
                )
                users = dict(zip(wanted_users, made, strict=True))
            lessees = Lessee.objects.bulk_create(
                Lessee(
                    user=users.get(s) or (multi_user if first_load and 1000 <= s - start_serial < 1010 else None),
                    first_name="Bench",
                    last_name=f"Lessee {s}",
                    email=f"lessee-{s}@example.com",
                    address_line1="1 Main Street",
                    city="New York",
                    state="NY",
                    zip_code="10001",
                )
                for s in serials
            )
            leases = []
            for s, vehicle in zip(serials, vehicles, strict=True):
                maturity = today + dt.timedelta(days=rng.randint(-60, 400))
                lease = Lease(
                    account_number=_account(s),
                    vehicle=vehicle,
                    registration_state="NY",
                    status=Lease.Status.ACTIVE,
                    **_terms(add_months(maturity, -36), cap=Decimal("32500.00"), residual=Decimal("19500.00")),
                )
                lease.schedule_end_date()
                leases.append(lease)
            leases = Lease.objects.bulk_create(leases)
            LeaseParty.objects.bulk_create(
                LeaseParty(lease=lease, lessee=lessee, role=LeaseParty.Role.PRIMARY)
                for lease, lessee in zip(leases, lessees, strict=True)
            )
            OdometerReading.objects.bulk_create(
                OdometerReading(
                    lease=lease,
                    reading_date=lease.start_date,
                    miles=lease.start_odometer,
                    source=OdometerReading.Source.SIGNING,
                )
                for lease in leases
            )
        created += size
    refresh_statistics([Vehicle, User, EmailAddress, Lessee, Lease, LeaseParty, OdometerReading])
    return created


def refresh_statistics(models: list) -> None:
    """ANALYZE the tables a bulk load filled (PostgreSQL): until autovacuum gets round to it the
    planner still sees the empty tables, and the first reminder sweep after a load was 7× slower."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
