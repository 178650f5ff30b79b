import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leases.billing import ach, payments
from leases.billing import panel as billing_panel
from leases.models import AuctionSale, FinalBill, Inspection, Lease, OdometerReading
from tests.factories import EXAMPLE_RETURN, EXAMPLE_START, TODAY, make_lease, make_lessee, make_user, pay

pytestmark = pytest.mark.django_db


def steps_of(lease) -> dict[str, tuple[str, dt.date | None]]:
    panel = billing_panel.lease_panel(lease, user=None, today=TODAY)["billing"]
    return {step.key: (step.state, step.date) for step in panel["steps"]}, panel["next"]


def test_an_active_lease_starts_the_timeline_at_the_return_kit():
    steps, next_sentence = steps_of(make_lease())
    assert steps["kit"] == ("current", None)
    assert all(state == "upcoming" for state, _ in list(steps.values())[1:])
    assert "December 15, 2026" in next_sentence and "Vehicle Return Kit" in next_sentence


def test_a_billed_lease_shows_each_step_with_its_date_and_what_to_pay(billed):
    steps, next_sentence = steps_of(billed.lease)
    assert "kit" not in steps and "appointment" not in steps  # never sent, never booked: left out
    assert steps["returned"] == ("done", EXAMPLE_RETURN)
    assert steps["inspected"] == ("done", dt.date(2026, 3, 17))
    assert steps["sold"] == ("done", dt.date(2026, 3, 25))
    assert steps["bill"] == ("done", TODAY)
    assert steps["settled"] == ("current", None) and steps["closed"] == ("upcoming", None)
    assert next_sentence == "Please pay $1,223.13 by December 25, 2026, online, by phone or by mail."


def test_paid_and_cleared_closes_the_timeline(billed):
    payment = pay(billed.lease, billed.owner, "1223.13")
    assert "is processing" in steps_of(billed.lease)[1]
    ach.ach_file_write(today=TODAY)
    payments.payment_settle(payment=payment, today=TODAY)
    steps, next_sentence = steps_of(Lease.objects.get(pk=billed.lease.pk))
    assert steps["settled"] == ("done", TODAY) and steps["closed"][0] == "done"
    assert "nothing more is owed" in next_sentence


def test_the_lease_page_shows_the_bill_summary_and_the_tracker(client, billed):
    client.force_login(billed.co_lessee)
    page = client.get(reverse("leases:detail", args=[billed.lease.public_id])).content.decode()
    assert "Your final bill" in page and "$1,223.13" in page
    assert reverse("leases:pay", args=[billed.lease.public_id]) in page
    assert reverse("leases:statement", args=[billed.lease.public_id]) in page
    assert 'aria-current="step"' in page and "Lease-end tracker" in page
    assert re.search(r"Sold at auction</span>.*?Mar 25, 2026", page, re.S)


def test_the_lease_page_billing_panel_takes_a_fixed_number_of_queries(billed):
    pay(billed.lease, billed.owner, "10.00")
    pay(billed.lease, billed.owner, "20.00")
    with CaptureQueriesContext(connection) as ctx:
        billing_panel.lease_panel(billed.lease, user=billed.owner, today=TODAY)
    # lease with inspection/sale/bill, payments, balance, refund (the kit and appointment dates are passed in)
    assert len(ctx) == 4


def test_operations_record_the_inspection_and_the_sale_and_issue_the_bill_in_the_admin(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    lease = make_lease(make_lessee(make_user("lessee@example.com")), start=EXAMPLE_START)
    lease.mark_returned()
    OdometerReading.objects.create(lease=lease, reading_date=EXAMPLE_RETURN, miles=41_012, source="dealer")
    client.force_login(staff)

    add = reverse("admin:leases_inspection_add")
    bad = client.post(
        add, {"lease": lease.pk, "returned_on": "2026-03-15", "inspected_on": "2026-03-01", "wear_total": "0"}
    )
    assert "before the vehicle was returned" in bad.content.decode() and not Inspection.objects.exists()
    client.post(add, {"lease": lease.pk, "returned_on": "2026-03-15", "inspected_on": "2026-03-16", "wear_total": "0"})
    assert Inspection.objects.get().recorded_by == staff

    client.post(reverse("admin:leases_auctionsale_add"), {"lease": lease.pk, "sold_on": "2026-04-02", "price": "21000"})
    assert AuctionSale.objects.get().price == Decimal("21000.00")
    assert Lease.objects.get(pk=lease.pk).status == "sold"

    preview = client.post(reverse("admin:leases_finalbill_add"), {"lease": lease.pk})
    assert "$1,223.13" in preview.content.decode() and not FinalBill.objects.exists()
    confirm = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:leases_finalbill_add"), confirm)
    bill = FinalBill.objects.get()
    assert (bill.balance_due, bill.issued_by) == (Decimal("1223.13"), staff)
    assert mailoutbox[-1].to == ["lessee@example.com"]
    assert client.get(reverse("admin:leases_finalbill_change", args=[bill.pk])).status_code == 200
    pdf = client.get(reverse("admin:leases_finalbill_statement", args=[bill.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # A second bill through the admin is refused: the lease is no longer offered.
    again = client.post(reverse("admin:leases_finalbill_add"), {"lease": lease.pk})
    assert again.status_code == 200 and FinalBill.objects.count() == 1


def test_operations_mark_a_sent_payment_settled(client, billed, staff):
    payment = pay(billed.lease, billed.owner, "1223.13")
    url = reverse("admin:leases_payment_changelist")
    client.force_login(staff)
    client.post(url, {"action": "mark_settled", "_selected_action": [payment.pk]})
    assert payment_status(payment) == "pending"  # not sent to the bank yet: cannot have cleared
    ach.ach_file_write(today=TODAY)
    client.post(url, {"action": "mark_settled", "_selected_action": [payment.pk]})
    assert payment_status(payment) == "settled"
    assert Lease.objects.get(pk=billed.lease.pk).status == "closed"
    page = client.get(reverse("admin:leases_payment_change", args=[payment.pk])).content.decode()
    assert "····6789" in page and "000123456789" not in page


def payment_status(payment) -> str:
    payment.refresh_from_db()
    return payment.status


def test_every_billing_admin_page_renders_for_operations(client, billed, staff):
    payment = pay(billed.lease, billed.owner, "1.00")
    ach_file = ach.ach_file_write(today=TODAY)
    client.force_login(staff)
    pages = {
        "ledgerentry": billed.lease.ledger_entries.first().pk,
        "inspection": billed.lease.inspection.pk,
        "auctionsale": billed.lease.auction_sale.pk,
        "finalbill": billed.bill.pk,
        "payment": payment.pk,
        "achfile": ach_file.pk,
    }
    for model, pk in pages.items():
        assert client.get(reverse(f"admin:leases_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:leases_{model}_change", args=[pk])).status_code == 200, model
    for model in ("inspection", "auctionsale", "finalbill"):
        assert client.get(reverse(f"admin:leases_{model}_add")).status_code == 200, model
    for model in ("ledgerentry", "payment", "achfile", "refund"):
        assert client.get(reverse(f"admin:leases_{model}_add")).status_code == 403, model
    assert client.get(reverse("admin:leases_refund_changelist")).status_code == 200


def test_an_active_lease_page_shows_the_tracker_without_a_bill(client):
    user = make_user()
    lease = make_lease(make_lessee(user))
    client.force_login(user)
    page = client.get(reverse("leases:detail", args=[lease.public_id])).content.decode()
    assert "Lease-end tracker" in page and "About 120 days before" in page
    assert "Your final bill" not in page and "/pay/" not in page


def test_operations_are_told_which_payment_was_held_back_from_the_file(client, billed, staff):
    from leases.models import BankAccount

    good = pay(billed.lease, billed.owner, "1.00")
    bad = pay(billed.lease, billed.co_lessee, "2.00", account="9876543210")
    BankAccount.objects.filter(pk=bad.bank_account_id).update(routing_number="123456789")
    client.force_login(staff)
    page = client.post(reverse("admin:leases_achfile_write"), follow=True).content.decode()
    assert "1 debit(s)" in page
    assert f"on lease {billed.lease.account_number} was held back: the routing number" in page
    assert payment_status(good) == "pending" and good.ach_file_id is not None
    bad.refresh_from_db()
    assert bad.ach_file_id is None
