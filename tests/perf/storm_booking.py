"""A booking storm against a running server: N signed-in lessees post for one slot of capacity C.

Not a test (pytest does not collect it). Run it against a server on this machine that uses the
same database as this script, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lp_storm .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/gunicorn portal.wsgi -b 127.0.0.1:8765 -w 4 &
    DATABASE_URL=... .venv/bin/python tests/perf/storm_booking.py http://127.0.0.1:8765 --users 60 --capacity 3

It creates a dealer, one slot and N users with a lease each (directly in the database, sessions
included, so sign-in rate limits and password hashing stay out of the figures), loads each
user's booking page for a CSRF token, then releases every POST at once. It prints how many
bookings the server accepted (must be at most C), what the others were told, the database's
count, and the timings; then removes what it created. Loopback addresses only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import statistics
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

MAX_USERS = 200
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TAKEN = "That time was just taken, please pick another."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the running server, e.g. http://127.0.0.1:8765 (loopback only)")
    parser.add_argument("--users", type=int, default=50, help=f"concurrent lessees (at most {MAX_USERS})")
    parser.add_argument("--capacity", type=int, default=3, help="places in the slot")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--keep", action="store_true", help="leave the created rows in place")
    args = parser.parse_args()
    parts = urlsplit(args.url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        parser.error("the URL must be http:// on a loopback address")
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.capacity <= args.users:
        parser.error(f"need 1 <= capacity <= users <= {MAX_USERS}")
    return args


def setup(users: int, capacity: int):
    """Rows for the storm: a dealer, one slot a week ahead, and one lessee with a session each."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from stdnum import luhn

    from leases.identifiers import with_vin_check_digit
    from leases.models import Dealer, Lease, LeaseParty, Lessee, Make, Vehicle
    from portal import clock
    from quotes.engine import add_months
    from returnkit.turnin.geo import zip_point, zone_for_zip
    from returnkit.turnin.models import TurnInSlot

    tag = uuid.uuid4().hex[:8]
    serial = int(time.time()) % 10_000_000
    make = Make.objects.get_or_create(name="Toyota")[0]
    point = zip_point("10001")
    dealer = Dealer.objects.create(
        code=f"storm-{tag}",
        name=f"Storm Test Toyota {tag}",
        address_line1="1 Storm Street",
        city=point.city,
        state=point.state,
        zip_code="10001",
        latitude=Decimal(f"{point.latitude:.6f}"),
        longitude=Decimal(f"{point.longitude:.6f}"),
        phone="555-0100",
        hours="Mon–Fri 9 a.m.–5 p.m.",
    )
    dealer.makes.add(make)
    day = clock.today() + dt.timedelta(days=7)
    slot = TurnInSlot.objects.create(
        dealer=dealer, starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=zone_for_zip("10001")), capacity=capacity
    )
    maturity = day + dt.timedelta(days=10)
    User = get_user_model()
    sessions = []
    for i in range(users):
        user = User.objects.create_user(email=f"storm-{tag}-{i}@example.com", password=None)
        vehicle = Vehicle.objects.create(
            vin=with_vin_check_digit(f"2T3ST0RM0{(serial * 1000 + i) % 10**8:08d}"),
            year=2023,
            make=make,
            model="RAV4",
            body_type="4-door SUV",
        )
        base = f"{(7 * 10**8 + serial * 1000 + i) % 10**9:09d}"
        lease = Lease(
            account_number=base + luhn.calc_check_digit(base),
            vehicle=vehicle,
            registration_state="NY",
            start_date=add_months(maturity, -36),
            term_months=36,
            adjusted_cap_cost=Decimal("32500.00"),
            residual_value=Decimal("19500.00"),
            money_factor=Decimal("0.00125"),
            tax_rate=Decimal("0.0625"),
            start_odometer=12,
            annual_miles=12000,
            excess_mile_rate=Decimal("0.25"),
        )
        lease.schedule_end_date()
        lease.save()
        lessee = Lessee.objects.create(
            user=user,
            first_name="Storm",
            last_name=f"Lessee {i}",
            address_line1="1 Main Street",
            city="New York",
            state="NY",
            zip_code="10001",
        )
        LeaseParty.objects.create(lease=lease, lessee=lessee)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append((lease.public_id, session.session_key))
    return tag, dealer, slot, sessions


def cleanup(tag: str, dealer, slot) -> None:
    from django.contrib.auth import get_user_model

    from leases.models import Lease, Lessee, Vehicle

    leases = Lease.objects.filter(parties__lessee__user__email__startswith=f"storm-{tag}-")
    vehicle_ids = list(leases.values_list("vehicle_id", flat=True))
    Lease.objects.filter(pk__in=list(leases.values_list("pk", flat=True))).delete()
    Lessee.objects.filter(user__email__startswith=f"storm-{tag}-").delete()
    Vehicle.objects.filter(pk__in=vehicle_ids).delete()
    get_user_model().objects.filter(email__startswith=f"storm-{tag}-").delete()
    slot.delete()
    dealer.delete()


def prepare(url: str, lease_id, session_key: str, dealer_code: str, timeout: float) -> dict:
    """Load the booking page as the user: the CSRF cookie and the form's token."""
    parts = urlsplit(url)
    path = f"/vehicles/{lease_id}/turn-in/{dealer_code}/"
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session_key}"})
    response = conn.getresponse()
    html = response.read().decode()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {"path": path, "cookie": f"sessionid={session_key}; csrftoken={cookie}", "token": token}


def fire(url: str, request: dict, slot_id, barrier: threading.Barrier, timeout: float) -> tuple[int, float, str]:
    parts = urlsplit(url)
    body = urlencode({"csrfmiddlewaretoken": request["token"], "slot": str(slot_id)})
    headers = {
        "Cookie": request["cookie"],
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"{parts.scheme}://{parts.netloc}",
    }
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    conn.connect()  # connect before the barrier so every POST leaves together
    barrier.wait(timeout=timeout)
    started = time.perf_counter()
    conn.request("POST", request["path"], body=body, headers=headers)
    response = conn.getresponse()
    html = response.read().decode(errors="replace")
    elapsed = time.perf_counter() - started
    conn.close()
    said = "booked" if response.status == 302 else ("taken" if TAKEN in html else f"other {response.status}")
    return response.status, elapsed, said


def main() -> int:
    args = parse_args()
    t0 = time.perf_counter()
    tag, dealer, slot, sessions = setup(args.users, args.capacity)
    print(f"Set up {args.users} lessees and one slot of capacity {args.capacity} in {time.perf_counter() - t0:.1f} s")
    try:
        requests = [prepare(args.url, lease_id, key, dealer.code, args.timeout) for lease_id, key in sessions]
        barrier = threading.Barrier(len(requests))
        results: list[tuple[int, float, str] | None] = [None] * len(requests)

        def run(i: int) -> None:
            try:
                results[i] = fire(args.url, requests[i], slot.public_id, barrier, args.timeout)
            except Exception as error:  # noqa: BLE001 - counted and printed below
                results[i] = (0, 0.0, f"error {error!r}")

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.timeout * 2)
        wall = time.perf_counter() - started

        from returnkit.turnin.models import Appointment

        done = [r for r in results if r is not None]
        outcomes: dict[str, int] = {}
        for _, _, said in done:
            outcomes[said] = outcomes.get(said, 0) + 1
        latencies = sorted(r[1] for r in done if r[0])
        in_db = Appointment.objects.active().filter(slot=slot).count()
        booked = outcomes.get("booked", 0)
        print(f"POSTs: {len(requests)} at once; answered: {len(done)}; wall time {wall:.2f} s")
        print(f"Outcomes: {dict(sorted(outcomes.items()))}")
        print(f"Accepted by the server: {booked}; active appointments in the slot: {in_db}; capacity {args.capacity}")
        if latencies:
            p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
            print(
                f"Latency: median {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
            )
        ok = booked <= args.capacity and in_db <= args.capacity and booked == in_db
        print("OK: no over-booking" if ok else "FAIL: over-booked")
        return 0 if ok else 1
    finally:
        if not args.keep:
            cleanup(tag, dealer, slot)


if __name__ == "__main__":
    sys.exit(main())
