"""Wear end to end in Chromium at phone width: the lessee's pre-inspection with photos and its estimate,
the inspector's report with photos, the comparison, a dispute, operations waiving the item, and the
balance, bill and ledger showing it. Screenshots under test-artifacts/test_wear_journey-*.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from PIL import Image

from leases.billing import ledger
from leases.billing.final_bill import final_bill_issue
from leases.billing.inspection import auction_sale_record
from leases.models import Inspection, LedgerEntry, OdometerReading
from quotes import engine
from tests.e2e.conftest import Shots, sign_in
from tests.factories import (
    NOW,
    TODAY,
    TOTP_SECRET,
    ensure_wear_standard,
    lease_ending_in,
    make_inspector,
    make_lessee,
    make_user,
)
from wear.models import ConditionReport, PreInspection, WearDispute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.PORTAL_NOW = NOW
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(tmp_path, name: str, colour) -> str:
    path = tmp_path / name
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return str(path)


def add_item(page, kind: str, size: str | None, photo_path: str) -> None:
    card = page.locator("details", has=page.locator("summary", has_text=kind))
    card.locator("summary").click()
    if size:
        card.get_by_label(size).check()
    card.get_by_label("Photos").set_input_files(photo_path)
    card.get_by_role("button", name="Add this").click()


def test_pre_inspection_report_comparison_dispute_and_waiver(chromium, live_server, tmp_path):
    ensure_wear_standard()  # an earlier transactional test flushes the seeded standard
    base = live_server.url
    lessee = make_user("morgan@example.com")
    lease = lease_ending_in(20, lessee=make_lessee(lessee, first_name="Morgan"), wear_waiver=Decimal("200.00"))
    make_inspector("clearview", "inspector@clearview.example.com")
    make_user("ops@example.com", is_staff=True, is_superuser=True)
    phone = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    phone.shots = Shots(phone, "test_wear_journey")

    # --- The lessee walks round the car on a phone -------------------------------------------
    sign_in(phone, base, "morgan@example.com")
    phone.goto(f"{base}/vehicles/{lease.public_id}/")
    phone.get_by_role("link", name="Start your pre-inspection").click()
    phone.get_by_role("button", name="Start my walk-around").click()
    phone.get_by_role("heading", name="Front", exact=True).wait_for()
    add_item(phone, "Dent or ding", "Bigger than two squares side by side", photo(tmp_path, "dent.jpg", "navy"))
    phone.get_by_text("Saved.").wait_for()
    phone.shots("front-with-a-dent")
    phone.get_by_role("button", name="Done with this area").click()
    for area in ("Driver's side", "Passenger's side", "Rear", "Roof"):
        phone.get_by_role("heading", name=area, exact=True).wait_for()
        phone.get_by_role("button", name="Nothing to report here").click()
    phone.get_by_role("heading", name="Glass", exact=True).wait_for()
    add_item(phone, "Chip or star", "Bigger than the 1/2-inch circle", photo(tmp_path, "chip.jpg", "gray"))
    phone.get_by_text("Saved.").wait_for()
    phone.shots("glass-with-a-chip")

    phone.get_by_role("link", name="All areas").click()
    phone.get_by_role("link", name="See my estimate").click()
    phone.get_by_role("heading", name="Your wear estimate").wait_for()
    assert phone.get_by_text("$500.00").count()  # 350 + 150
    assert phone.get_by_text("$300.00").count()  # after the 200 waiver
    phone.get_by_role("button", name="Save my estimate").click()
    phone.get_by_role("link", name="Print or save it as a PDF").wait_for()
    phone.shots("estimate-saved")
    assert PreInspection.objects.get().finished_on == TODAY

    # --- The car goes back; an independent inspector records the report -----------------------
    lease.mark_returned()
    OdometerReading.objects.create(lease=lease, reading_date=TODAY, miles=41_012, source=OdometerReading.Source.DEALER)
    inspector = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True).new_page()
    inspector.shots = Shots(inspector, "test_wear_journey-inspector")
    sign_in(inspector, base, "inspector@clearview.example.com", lands_on="Condition reports", totp_secret=TOTP_SECRET)
    inspector.get_by_label("VIN or lease account number").fill(lease.vehicle.vin)
    inspector.get_by_role("button", name="Start the report").click()
    inspector.get_by_role("link", name="Front", exact=True).click()
    add_item(inspector, "Dent or ding", "Bigger than two squares side by side", photo(tmp_path, "i-dent.jpg", "blue"))
    inspector.get_by_text("Item saved.").wait_for()
    inspector.get_by_role("link", name="Back to the report").click()
    inspector.get_by_role("link", name="Glass", exact=True).click()
    add_item(inspector, "Crack", None, photo(tmp_path, "i-crack.jpg", "black"))
    inspector.get_by_text("Item saved.").wait_for()
    inspector.shots("glass-crack-recorded")
    inspector.get_by_role("link", name="Back to the report").click()
    inspector.get_by_role("button", name="Complete the report").click()
    inspector.get_by_text("Report completed").wait_for()
    inspector.shots("report-completed")
    report = ConditionReport.objects.get()
    assert report.total == Decimal("775.00")  # 350 dent + 425 crack
    assert Inspection.objects.get(lease=lease).wear_report == report.reference

    # --- Operations sell the car and issue the bill (existing steps) ---------------------------
    auction_sale_record(lease=lease, sold_on=TODAY, price=Decimal("21000.00"), user=None, today=TODAY)
    bill = final_bill_issue(lease=lease, user=None, today=TODAY)
    owed = ledger.balance(lease)

    # --- The lessee compares and disputes the crack -------------------------------------------
    phone.goto(f"{base}/vehicles/{lease.public_id}/")
    phone.get_by_role("link", name="See the condition report").click()
    phone.get_by_role("heading", name=re.compile("Condition report CR-")).wait_for()
    phone.get_by_text("Found only by the inspector").wait_for()
    phone.get_by_text("report $425.00, your estimate $150.00, difference $275.00").wait_for()
    phone.get_by_text("In your pre-inspection: Dent or ding").wait_for()
    phone.wait_for_load_state("networkidle")  # the thumbnails
    phone.shots("comparison")
    phone.get_by_role("link", name="Dispute an item").click()
    crack = report.items.get(rule_code="crack")
    phone.locator(f"#id_pick_{crack.public_id.hex}").check()
    phone.locator(f"#id_reason_{crack.public_id.hex}").fill("It is a small chip, as my photo from last month shows.")
    phone.locator(f"#id_photos_{crack.public_id.hex}").set_input_files(photo(tmp_path, "mine.jpg", "white"))
    phone.get_by_role("button", name="Send my dispute").click()
    phone.get_by_text("Your dispute is in.").wait_for()
    phone.shots("dispute-sent")
    dispute = WearDispute.objects.get()

    # --- Operations waive it from the queue -----------------------------------------------------
    ops = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    ops.shots = Shots(ops, "test_wear_journey-ops")
    sign_in(ops, base, "ops@example.com", lands_on="Site administration", totp_secret=TOTP_SECRET)
    ops.goto(f"{base}/ops/wear/weardispute/")
    ops.get_by_role("link", name=dispute.reference).click()
    ops.get_by_role("link", name="Decide").click()
    ops.get_by_label("Outcome").select_option("waived")
    ops.get_by_label("Reason the lessee reads").fill(
        "Your photo shows a chip; we charge it as a chip under the circle."
    )
    ops.shots("deciding")
    ops.get_by_role("button", name="Save", exact=True).click()
    ops.get_by_text("was changed successfully").wait_for()

    # --- The lessee sees it everywhere ---------------------------------------------------------
    expected = engine.money(
        engine.compute_quote(
            lease.terms(), engine.TurnIn(date=lease.maturity_date, odometer=41_012, wear_charges=Decimal("350.00"))
        ).total
        - bill.security_deposit
    )
    assert ledger.balance(lease) == expected < owed
    entries = LedgerEntry.objects.filter(lease=lease, memo__startswith=f"Wear dispute {dispute.reference}")
    assert sorted(e.kind for e in entries) == ["excess_wear", "taxes"]
    phone.goto(f"{base}/vehicles/{lease.public_id}/bill/")
    phone.get_by_text(f"Wear dispute {dispute.reference}: excess wear").wait_for()
    assert phone.locator("#balance-now").inner_text() == engine.usd(expected)
    phone.shots("bill-after-waiver")
    phone.goto(f"{base}/vehicles/{lease.public_id}/disputes/{dispute.public_id}/")
    phone.get_by_text("Charge waived").wait_for()
    phone.shots("dispute-decided")
    assert [m.subject for m in mail.outbox if "wear dispute" in m.subject] == [
        f"We've decided your wear dispute {dispute.reference}"
    ]
    for each in (phone, inspector, ops):
        each.context.close()
