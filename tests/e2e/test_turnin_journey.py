"""A lessee books, moves and cancels a turn-in in Chromium; the dealer checks the vehicle in.

Desktop for the booking, a 375 px phone for booking again, then the dealer's check-in (a
rolled-back odometer refused first), and the lessee's receipt on the lease page.
"""

import datetime as dt
import re

import pytest
from django.core import mail

from leases.models import Lease, OdometerReading
from returnkit.turnin.models import Appointment, TurnIn
from tests.e2e.conftest import sign_in
from tests.factories import (
    NOW,
    TOTP_SECRET,
    make_dealer,
    make_dealer_user,
    make_lease,
    make_lessee,
    make_slot,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pinned_now(settings):
    settings.PORTAL_NOW = NOW  # Wednesday, November 25, 2026, 9 a.m. in New York


def pick_time(page, day: str, time: str) -> None:
    page.get_by_role("link", name=day).click()
    page.get_by_text(time, exact=True).click()


def test_lessee_books_moves_and_cancels_then_the_dealer_checks_the_vehicle_in(page, phone_page, live_server):
    base = live_server.url
    user = make_user("riley@example.com")
    lease = make_lease(make_lessee(user, zip_code="10001", first_name="Riley", last_name="Chen"))
    OdometerReading.objects.create(lease=lease, reading_date=dt.date(2026, 11, 1), miles=35_880, source="lessee")
    hudson = make_dealer("hudson-toyota", "10001", ("Toyota",), name="Hudson Toyota", address_line1="410 Tenth Avenue")
    make_dealer("harbor-motors", "07030", ("Toyota", "Honda"), name="Harbor Motors", address_line1="12 River Street")
    for day, hour in [(25, 14), (25, 15), (26, 14), (1, 10), (1, 11), (2, 14)]:
        make_slot(hudson, dt.date(2026, 11 if day > 20 else 12, day), hour)
    dealer_user = make_dealer_user(hudson, "service@hudson.example.com")

    # --- Desktop: find a dealer, book, move, cancel -------------------------------------------
    sign_in(page, base, "riley@example.com")
    page.goto(f"{base}/vehicles/{lease.public_id}/")
    page.get_by_role("link", name="Schedule a turn-in").click()
    page.get_by_role("heading", name="2 dealers within 25 miles of 10001").wait_for()
    page.shots("dealers-near-billing-zip")

    page.get_by_label("ZIP code").fill("99999")
    page.get_by_role("button", name="Find dealers").click()
    page.get_by_text("We couldn't find ZIP code 99999.").wait_for()
    page.shots("unknown-zip")
    page.get_by_label("ZIP code").fill("10001")
    page.get_by_role("button", name="Find dealers").click()

    page.get_by_role("link", name="See times at Hudson Toyota").click()
    pick_time(page, "Tue Dec 1", "10 a.m.")
    page.shots("pick-a-time")
    page.get_by_role("button", name="Book this time").click()
    page.get_by_text("Booked: Tuesday, December 1 at 10 a.m. at Hudson Toyota.").wait_for()
    page.shots("booked")
    assert mail.outbox[-1].subject.startswith("Your turn-in is booked")

    page.get_by_role("link", name="Change the time").click()
    pick_time(page, "Wed Dec 2", "2 p.m.")
    page.get_by_role("button", name="Move my appointment here").click()
    page.get_by_text("Moved: your turn-in is now Wednesday, December 2 at 2 p.m. at Hudson Toyota.").wait_for()
    page.shots("moved")

    page.get_by_role("link", name="Cancel the appointment").click()
    page.shots("cancel-confirm")
    page.get_by_role("button", name="Yes, cancel it").click()
    page.get_by_text("Your turn-in appointment is cancelled.").wait_for()
    page.shots("cancelled")
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Your turn-in is booked",
        "Turn-in moved to Wed, Dec 2 at 2 p.m., Hudson Toyota",
        "Your turn-in appointment at Hudson Toyota is cancelled",
    ]
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED

    # --- Phone: this afternoon is not offered (less than 24 hours away); book tomorrow ---------
    sign_in(phone_page, base, "riley@example.com")
    phone_page.goto(f"{base}/vehicles/{lease.public_id}/turn-in/hudson-toyota/")
    phone_page.get_by_text("Times start 24 hours from now").wait_for()
    assert phone_page.get_by_role("link", name="Wed Nov 25").count() == 0
    pick_time(phone_page, "Thu Nov 26", "2 p.m.")
    phone_page.shots("pick-a-time")
    phone_page.get_by_role("button", name="Book this time").click()
    phone_page.get_by_text("Booked: Thursday, November 26 at 2 p.m.").wait_for()
    phone_page.locator("#turn-in").scroll_into_view_if_needed()
    phone_page.shots("booked")

    # --- Dealer: today's list, a rolled-back odometer refused, then the check-in --------------
    dealer_page = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    dealer_page.shots = type(page.shots)(dealer_page, "test_turnin_dealer")
    sign_in(dealer_page, base, dealer_user.email, totp_secret=TOTP_SECRET)
    dealer_page.goto(base + "/dealer/?day=2026-11-26")  # the lessee comes in a day early
    dealer_page.get_by_role("heading", name="Turn-ins on Thursday, November 26").wait_for()
    dealer_page.shots("day-view")
    dealer_page.get_by_role("link", name="Check in 2023 Toyota RAV4 XLE").click()

    dealer_page.get_by_label("Odometer reading (miles)").fill("35100")
    dealer_page.get_by_label("The reading is the actual mileage of the vehicle").check()
    dealer_page.get_by_label("Smart key (of 2)").fill("1")
    dealer_page.get_by_label("Condition notes").fill("Small scuff on the rear bumper.")
    dealer_page.get_by_label("Lessee's printed name").fill("Riley Chen")
    dealer_page.get_by_label(re.compile("I, the lessee, certify")).check()
    dealer_page.get_by_label(re.compile("I, the lessee, agree to sign this statement electronically")).check()
    dealer_page.get_by_label("Lessee's signature: type your full name").fill("Riley Chen")
    dealer_page.get_by_label("Dealer representative's printed name").fill("Dana Service")
    dealer_page.get_by_label(re.compile("I received the vehicle")).check()
    dealer_page.get_by_role("button", name="Check the vehicle in").click()
    below = re.compile("35,100 miles is below the earlier reading of 35,880 miles on November 1, 2026")
    dealer_page.get_by_text(below).wait_for()
    dealer_page.shots("rolled-back-odometer")
    assert not TurnIn.objects.exists()

    dealer_page.get_by_label("Odometer reading (miles)").fill("36012")
    dealer_page.get_by_label(re.compile("I, the lessee, certify")).check()
    dealer_page.get_by_label(re.compile("I received the vehicle")).check()
    dealer_page.get_by_role("button", name="Check the vehicle in").click()
    dealer_page.get_by_role("heading", name="Turn-in record").wait_for()
    dealer_page.shots("checked-in")
    dealer_page.context.close()

    lease.refresh_from_db()
    assert lease.status == Lease.Status.RETURNED
    turnin = TurnIn.objects.get()
    assert (turnin.odometer_miles, [i.missing for i in turnin.items.all()]) == (36_012, [1])
    assert mail.outbox[-1].attachments[0][0] == f"vehicle-return-receipt-{lease.vehicle.vin}.pdf"

    # --- Lessee: the receipt on the lease page --------------------------------------------------
    phone_page.goto(f"{base}/vehicles/{lease.public_id}/")
    receipt = phone_page.get_by_role("link", name="Vehicle Return Receipt (PDF)")
    receipt.scroll_into_view_if_needed()
    phone_page.shots("returned-with-receipt")
    response = phone_page.request.get(base + receipt.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
