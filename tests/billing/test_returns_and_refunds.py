import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from leases.billing import ach, errors, ledger, nacha, payments, refunds
from leases.models import Lease, LedgerEntry, Payment, Refund
from tests.factories import EXAMPLE_START, TODAY, issue, make_lease, make_lessee, make_user, pay, return_and_sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(billed):
    """A payment of the whole balance, sent to the bank in tonight's file."""
    payment = pay(billed.lease, billed.owner, "1223.13")
    ach.ach_file_write(today=TODAY)
    payment.refresh_from_db()
    return payment


def test_a_returned_payment_is_reversed_on_the_ledger_and_the_lessees_are_told(
    sent, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    assert ledger.balance(sent.lease) == Decimal("0.00")
    with django_capture_on_commit_callbacks(execute=True):
        result = ach.ach_returns_import(text=f"{sent.trace_number},R01\n", today=TODAY)
    assert [p.pk for p in result.returned] == [sent.pk] and not result.errors
    sent.refresh_from_db()
    assert (sent.status, sent.return_code, sent.returned_on) == ("returned", "R01", TODAY)
    reversal = LedgerEntry.objects.get(payment=sent, kind="payment_returned")
    assert reversal.amount == Decimal("1223.13") == -LedgerEntry.objects.get(payment=sent, kind="payment").amount
    assert ledger.balance(sent.lease) == Decimal("1223.13")
    [message] = mailoutbox
    assert set(message.to) == {"owner@example.com", "co@example.com"}
    assert "returned" in message.subject and "R01 Insufficient funds" in message.body


def test_importing_the_same_file_twice_changes_nothing_more(sent, mailoutbox, django_capture_on_commit_callbacks):
    text = f"# returns for {TODAY}\n\n{sent.trace_number},R02,Account closed\n"
    with django_capture_on_commit_callbacks(execute=True):
        ach.ach_returns_import(text=text, today=TODAY)
    entries, emails = LedgerEntry.objects.count(), len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = ach.ach_returns_import(text=text, today=TODAY + dt.timedelta(days=1))
    assert again.returned == [] and again.already == [sent.reference]
    assert LedgerEntry.objects.count() == entries and len(mailoutbox) == emails
    sent.refresh_from_db()
    assert (sent.return_code, sent.returned_on) == ("R02", TODAY)
    assert ledger.balance(sent.lease) == Decimal("1223.13")


def test_a_return_can_name_the_confirmation_number_and_bad_lines_are_reported(sent):
    text = f"{sent.reference.lower()},r03\nNOSUCHREF01,R01\nthis is not a return\n011000019999999,R01\n"
    result = ach.ach_returns_import(text=text, today=TODAY)
    assert [p.pk for p in result.returned] == [sent.pk]
    assert len(result.errors) == 3
    assert "line 2" in result.errors[0] and "NOSUCHREF01" in result.errors[0]
    assert "line 3" in result.errors[1]


def test_a_returned_payment_after_settlement_reopens_the_balance_on_the_page(client, sent, billed):
    payments.payment_settle(payment=sent, today=TODAY)
    ach.ach_returns_import(text=f"{sent.trace_number},R10", today=TODAY)
    client.force_login(billed.owner)
    page = client.get(reverse("leases:detail", args=[billed.lease.public_id])).content.decode()
    assert "Your bank returned your payment of $1,223.13" in page
    assert reverse("leases:pay", args=[billed.lease.public_id]) in page
    receipt = client.get(reverse("leases:receipt", args=[billed.lease.public_id, sent.public_id])).content.decode()
    assert "returned this payment" in receipt and "R10" in receipt


def test_the_management_command_imports_a_returns_file(sent, tmp_path):
    path = tmp_path / "returns.txt"
    path.write_text(f"{sent.trace_number},R01\n")
    call_command("import_ach_returns", str(path))
    call_command("import_ach_returns", str(path))
    assert LedgerEntry.objects.filter(kind="payment_returned").count() == 1
    path.write_text("garbage\n")
    with pytest.raises(CommandError):
        call_command("import_ach_returns", str(path))


def test_operations_import_a_returns_file_in_the_admin(client, sent, staff):
    client.force_login(staff)
    url = reverse("admin:leases_achfile_import_returns")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("returns.txt", f"{sent.trace_number},R01\n".encode())
    assert client.post(url, {"returns_file": upload}).status_code == 302
    assert Payment.objects.get(pk=sent.pk).status == "returned"


def _refund_lease(user, **terms) -> Lease:
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"), **terms)
    return return_and_sell(lease)


def test_issuing_a_check_refund_posts_it_tells_the_lessee_and_closes_the_lease(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    lease = _refund_lease(make_user("refund@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        bill = issue(lease)
    refund = Refund.objects.get(final_bill=bill)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001") is True
    assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001") is False
    refund.refresh_from_db()
    assert (refund.status, refund.issued_on, refund.issued_by) == ("issued", TODAY, staff)
    assert LedgerEntry.objects.get(refund=refund).amount == Decimal("276.87")
    assert ledger.balance(lease) == Decimal("0.00")
    lease.refresh_from_db()
    assert lease.status == Lease.Status.CLOSED
    [message] = mailoutbox
    assert "$276.87" in message.subject and "check is in the mail" in message.body


def test_a_refund_goes_back_to_the_bank_account_of_a_settled_payment_in_the_next_ach_file(staff):
    user = make_user()
    lease = make_lease(make_lessee(user), start=EXAMPLE_START, security_deposit=Decimal("2000.00"))
    ledger.entry_post(lease=lease, kind="past_due", amount=Decimal("452.74"), posted_on=dt.date(2026, 2, 1))
    bill = issue(return_and_sell(lease))  # 1,723.13 + 452.74 − 2,000.00
    payment = pay(lease, user, "175.87", account="44455566", account_type="savings")
    ach.ach_file_write(today=TODAY)
    payments.payment_settle(payment=payment, today=TODAY)
    assert ledger.balance(lease) == Decimal("0.00")
    assert bill.balance_due == Decimal("175.87")
    # A credit from a later correction (the wear charge waived) is refunded to that account.
    entry = LedgerEntry.objects.get(final_bill=bill, kind="disposition_fee")
    ledger.entry_correct(entry=entry, user=staff, today=TODAY)
    refund = Refund.objects.create(
        final_bill=bill,
        lease=lease,
        amount=Decimal("395.00"),
        method="ach",
        bank_account=refunds.bank_account_on_file(lease),
    )
    assert refund.bank_account == payment.bank_account
    refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number="1001")
    ach_file = ach.ach_file_write(today=TODAY)
    parsed = nacha.parse(ach_file.file.open("rb").read().decode("ascii"))
    [credits] = [b for b in parsed.batches if b.header["standard_entry_class"] == "PPD"]
    [entry] = credits.entries
    assert (entry["transaction_code"], entry["dfi_account_number"].rstrip(), entry["amount"]) == (
        "32",
        "44455566",
        "0000039500",
    )
    assert credits.header["service_class_code"] == "220" and credits.control["total_credit"] == "000000039500"
    refund.refresh_from_db()
    assert refund.trace_number == entry["trace_number"]


def test_a_refund_larger_than_the_credit_left_is_refused(staff):
    lease = _refund_lease(make_user())
    bill = issue(lease)
    ledger.entry_post(lease=lease, kind="property_tax", amount=Decimal("300.00"), posted_on=TODAY)  # arrived late
    with pytest.raises(errors.BillingError, match="less than this refund"):
        refunds.refund_issue(refund=bill.refund, user=staff, today=TODAY, check_number="1001")
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_operations_issue_refunds_with_an_admin_action(client, staff):
    bill = issue(_refund_lease(make_user()))
    client.force_login(staff)
    client.post(
        reverse("admin:leases_refund_changelist"),
        {"action": "issue", "_selected_action": [bill.refund.pk], "_issue": "1", f"check_{bill.refund.pk}": "5001"},
    )
    refund = Refund.objects.get(pk=bill.refund.pk)
    assert (refund.status, refund.check_number) == ("issued", "5001")


def test_a_check_refund_is_not_issued_without_its_number(staff):
    lease = _refund_lease(make_user("nocheck@example.com"))
    refund = Refund.objects.get(final_bill=issue(lease))
    assert refund.method == Refund.Method.CHECK
    with pytest.raises(errors.BillingError, match="needs the check's number"):
        refunds.refund_issue(refund=refund, user=staff, today=TODAY)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING
    assert not LedgerEntry.objects.filter(refund=refund).exists()
    assert refunds.refund_issue(refund=refund, user=staff, today=TODAY, check_number=" 20417 ") is True
    refund.refresh_from_db()
    assert refund.check_number == "20417"
