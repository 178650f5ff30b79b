import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from leases.billing import errors, inspection, ledger
from leases.billing.emails import final_bill_send
from leases.models import FinalBill, Lease, LedgerEntry, Refund
from quotes.engine import EarlyTermination, TurnIn, compute_quote
from tests.factories import (
    EXAMPLE_ODOMETER,
    EXAMPLE_RETURN,
    EXAMPLE_START,
    TODAY,
    issue,
    make_lease,
    make_lessee,
    make_user,
    return_and_sell,
)

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind


def amounts(lines) -> list[tuple[str, Decimal]]:
    return [(line["code"], Decimal(line["amount"])) for line in lines]


def test_the_bill_is_the_engines_turn_in_quote_posted_with_the_deposit_applied():
    lease = return_and_sell(make_lease(start=EXAMPLE_START), wear="0.00")
    bill = issue(lease)

    quote = compute_quote(lease.terms(), TurnIn(date=EXAMPLE_RETURN, odometer=EXAMPLE_ODOMETER))
    assert bill.kind == "turn_in"
    assert amounts(bill.lines) == [(line.code, line.amount) for line in quote.lines]
    rules = {line["code"]: line["rule"] for line in bill.lines}
    assert rules.pop("excess_wear") == "The inspection found no chargeable excess wear"  # not an estimate's wording
    assert rules == {line.code: line.rule for line in quote.lines if line.code != "excess_wear"}
    assert (bill.total, bill.security_deposit, bill.net_after_deposit) == (
        Decimal("1723.13"),
        Decimal("500.00"),
        Decimal("1223.13"),
    )
    assert bill.balance_due == Decimal("1223.13")
    assert bill.due_on == TODAY + dt.timedelta(days=30)
    posted = list(LedgerEntry.objects.filter(final_bill=bill).values_list("kind", "amount").order_by("id"))
    assert posted == [
        (K.EXCESS_MILEAGE, Decimal("1250.00")),
        (K.DISPOSITION_FEE, Decimal("395.00")),
        (K.TAXES, Decimal("78.13")),
        (K.SECURITY_DEPOSIT_APPLIED, Decimal("-500.00")),
    ]
    assert ledger.balance(lease) == Decimal("1223.13")
    lease.refresh_from_db()
    assert lease.status == Lease.Status.SOLD


def test_the_frozen_inputs_recompute_the_same_bill_with_the_engine():
    from quotes.engine import answer

    lease = return_and_sell(make_lease(start=EXAMPLE_START), wear="640.00")
    bill = issue(lease)
    recomputed = answer(bill.inputs)
    assert [(line["code"], Decimal(line["amount"])) for line in recomputed["lines"]] == amounts(bill.lines)
    assert Decimal(recomputed["net_after_deposit"]) == bill.net_after_deposit


def test_wear_is_billed_from_the_inspection_less_the_waiver():
    lease = return_and_sell(make_lease(start=EXAMPLE_START, wear_waiver=Decimal("500.00")), wear="640.00")
    bill = issue(lease)
    assert dict(amounts(bill.lines))["excess_wear"] == Decimal("140.00")
    assert dict(amounts(bill.lines))["taxes"] == Decimal("86.88")  # 6.25 % of 1,250.00 + 140.00


def test_a_lease_ended_early_is_billed_as_an_early_termination_at_the_sale_price():
    lease = make_lease(start=EXAMPLE_START, early_termination_fee=Decimal("250.00"))
    returned = dt.date(2025, 9, 2)
    return_and_sell(lease, returned_on=returned, odometer=30_500, wear="100.00", price="20500.00", early=True)
    bill = issue(lease)
    quote = compute_quote(
        lease.terms(),
        EarlyTermination(
            date=returned, odometer=30_500, realized_value=Decimal("20500.00"), wear_charges=Decimal("100.00")
        ),
    )
    assert bill.kind == "early_termination"
    assert amounts(bill.lines) == [(line.code, line.amount) for line in quote.lines]
    assert bill.net_after_deposit == quote.net_after_deposit
    assert ledger.balance(lease) == quote.net_after_deposit


def test_a_turn_in_a_few_days_before_the_end_is_billed_as_of_the_scheduled_end():
    lease = return_and_sell(make_lease(start=EXAMPLE_START), returned_on=dt.date(2026, 3, 10), odometer=30_000)
    bill = issue(lease)
    assert bill.kind == "turn_in"
    assert bill.inputs["event"]["date"] == "2026-03-15"


def test_past_due_and_property_tax_already_on_the_account_are_billed_once():
    lease = make_lease(start=EXAMPLE_START)
    ledger.entry_post(lease=lease, kind=K.PAST_DUE, amount=Decimal("452.74"), posted_on=dt.date(2026, 2, 20))
    ledger.entry_post(lease=lease, kind=K.PROPERTY_TAX, amount=Decimal("310.00"), posted_on=dt.date(2026, 1, 5))
    bill = issue(return_and_sell(lease))
    lines = dict(amounts(bill.lines))
    assert (lines["past_due"], lines["property_tax"]) == (Decimal("452.74"), Decimal("310.00"))
    assert bill.net_after_deposit == Decimal("1985.87")  # 1,223.13 + 452.74 + 310.00
    assert ledger.balance(lease) == Decimal("1985.87")
    assert not LedgerEntry.objects.filter(final_bill=bill, kind__in=[K.PAST_DUE, K.PROPERTY_TAX]).exists()


def test_a_credit_from_before_the_bill_is_shown_and_counted():
    lease = make_lease(start=EXAMPLE_START)
    ledger.entry_post(lease=lease, kind=K.PAYMENT, amount=Decimal("-100.00"), posted_on=dt.date(2026, 2, 20))
    bill = issue(return_and_sell(lease))
    assert (bill.prior_balance, bill.balance_due) == (Decimal("-100.00"), Decimal("1123.13"))
    assert ledger.balance(lease) == Decimal("1123.13")


def test_issuing_a_second_bill_is_refused_and_changes_nothing():
    lease = return_and_sell(make_lease(start=EXAMPLE_START))
    first = issue(lease)
    entries = LedgerEntry.objects.count()
    with pytest.raises(errors.BillingError, match="already been issued"):
        issue(lease)
    assert FinalBill.objects.filter(lease=lease).get() == first
    assert LedgerEntry.objects.count() == entries
    assert ledger.balance(lease) == Decimal("1223.13")


def test_a_bill_needs_the_vehicle_sold_first():
    lease = make_lease(start=EXAMPLE_START)
    lease.mark_returned()
    with pytest.raises(errors.BillingError, match="follows the sale"):
        issue(lease)
    assert not FinalBill.objects.exists() and not LedgerEntry.objects.exists()


def test_a_bill_the_engine_refuses_is_not_issued():
    lease = make_lease(start=EXAMPLE_START, max_extension_days=30)
    return_and_sell(lease, returned_on=dt.date(2026, 6, 1))  # 78 days past the end, 30 allowed
    with pytest.raises(errors.BillingError, match="at most 30"):
        issue(lease)
    assert not FinalBill.objects.exists() and not LedgerEntry.objects.exists()


def test_inspection_and_sale_follow_the_status_machine():
    lease = make_lease(start=EXAMPLE_START)
    with pytest.raises(ValidationError, match="Only a returned vehicle"):
        inspection.inspection_record(
            lease=lease,
            returned_on=EXAMPLE_RETURN,
            inspected_on=EXAMPLE_RETURN,
            wear_total=Decimal(0),
            user=None,
            today=TODAY,
        )
    lease.mark_returned()
    with pytest.raises(ValidationError, match="before the vehicle was returned"):
        inspection.inspection_record(
            lease=lease,
            returned_on=EXAMPLE_RETURN,
            inspected_on=dt.date(2026, 3, 1),
            wear_total=Decimal(0),
            user=None,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="once the vehicle is inspected"):
        inspection.auction_sale_record(lease=lease, sold_on=TODAY, price=Decimal("1.00"), user=None, today=TODAY)


def test_a_negative_balance_becomes_a_refund_by_check_to_the_mailing_address(django_capture_on_commit_callbacks):
    lessee = make_lessee(make_user(), address_line1="9 Elm Street", city="Albany", state="NY", zip_code="12207")
    lease = make_lease(lessee, start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    bill = issue(return_and_sell(lease))
    assert bill.balance_due == Decimal("-276.87")
    refund = Refund.objects.get(final_bill=bill)
    assert (refund.amount, refund.method, refund.status) == (Decimal("276.87"), Refund.Method.CHECK, "pending")
    assert "9 Elm Street" in refund.mail_to and "Albany, NY 12207" in refund.mail_to


def test_the_lessees_get_the_bill_by_email_with_text_html_and_the_pdf(billed, mailoutbox):
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert set(message.to) == {"owner@example.com", "co@example.com"}
    assert "final bill" in message.subject.lower() and billed.lease.account_number in message.subject
    assert "Balance due by December 25, 2026: $1,223.13" in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html" and "$1,223.13" in html.content
    name, content, mimetype = message.attachments[0]
    assert name == f"statement-{billed.lease.account_number}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    final_bill_send(billed.bill.pk)  # run again: already sent, nothing goes out
    assert len(mailoutbox) == 1


def test_a_bill_email_that_fails_to_send_is_sent_by_the_retry_once(settings, mailoutbox):
    lease = make_lease(make_lessee(make_user("owner@example.com")), start=EXAMPLE_START)
    bill = issue(return_and_sell(lease))  # its task not run yet
    settings.MAILERS = {"default": {"BACKEND": "tests.returnkit.backends.Unreachable"}}
    with pytest.raises(ConnectionRefusedError):
        final_bill_send(bill.pk)
    assert FinalBill.objects.get(pk=bill.pk).emailed_at is None  # the claim given back

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    final_bill_send(bill.pk)
    final_bill_send(bill.pk)
    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
    assert FinalBill.objects.get(pk=bill.pk).emailed_at is not None


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_statement_pdf_shows_the_same_lines_and_total_as_the_bill_page(client, billed):
    client.force_login(billed.owner)
    page = client.get(reverse("leases:bill", args=[billed.lease.public_id])).content.decode()
    response = client.get(reverse("leases:statement", args=[billed.lease.public_id]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    page_total = re.search(r'id="bill-balance">([^<]+)<', page).group(1)
    assert page_total == "$1,223.13"
    assert f"Balance due {page_total}" in text
    for label, display in [("Excess mileage (5,000 mi at $0.25)", "$1,250.00"), ("Disposition fee", "$395.00")]:
        assert label in page and label in text and display in page and display in text
    assert "Security deposit applied −$500.00" in text
    assert billed.lease.account_number in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    billed.bill.refresh_from_db()
    assert billed.bill.statement.name  # stored, so later downloads serve the same file
