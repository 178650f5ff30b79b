"""Refunds of a credit balance, and closing a settled account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from leases.billing import emails, ledger, statement
from leases.billing.errors import BillingError
from leases.models import (
    BankAccount,
    FinalBill,
    Lease,
    LedgerEntry,
    Payment,
    Refund,
)
from portal.notify import Kind, link, notify
from portal.tasks import enqueue_on_commit
from quotes.engine import usd


def bank_account_on_file(lease: Lease) -> BankAccount | None:
    """The account of the latest settled payment on this lease: where a refund can go back to."""
    return (
        BankAccount.objects.filter(lease=lease, payments__status=Payment.Status.SETTLED)
        .order_by("-created_at", "-id")
        .first()
    )


def refund_create(*, bill: FinalBill, lease: Lease) -> Refund:
    account = bank_account_on_file(lease)
    return Refund.objects.create(
        final_bill=bill,
        lease=lease,
        amount=-bill.balance_due,
        method=Refund.Method.ACH if account else Refund.Method.CHECK,
        bank_account=account,
        mail_to=bill.bill_to,
    )



def refund_for_credit(*, lease: Lease, bill: FinalBill) -> Refund | None:
    """After a credit lands on a billed account (a wear charge reduced on dispute): the refund of
    the whole credit, through the same path as a bill in credit. One refund per bill: a refund
    still being prepared grows to the new credit; one already issued leaves the rest on the
    account for operations (None)."""
    credit = -ledger.balance(lease)
    if credit <= 0:
        return None
    refund = Refund.objects.select_for_update().filter(final_bill=bill).first()
    if refund is None:
        account = bank_account_on_file(lease)
        return Refund.objects.create(
            final_bill=bill,
            lease=lease,
            amount=credit,
            method=Refund.Method.ACH if account else Refund.Method.CHECK,
            bank_account=account,
            mail_to=bill.bill_to,
        )
    if refund.status == Refund.Status.PENDING:
        refund.amount = credit
        refund.save(update_fields=["amount"])
        return refund
    return None


def refund_issue(*, refund: Refund, user, today: dt.date, check_number: str = "") -> bool:
    """Send the refund (a check is mailed, or the credit goes in the next ACH file), post it to
    the ledger and tell the lessee. A check needs its number (given here or recorded before).
    False if it was already issued."""
    check_number = check_number.strip() or refund.check_number
    if refund.method == Refund.Method.CHECK and not check_number:
        raise BillingError("A refund by check needs the check's number before it is issued.")
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=refund.lease_id)
        if not Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).exists():
            return False
        credit = -ledger.balance(lease)
        if credit < refund.amount:
            raise BillingError(
                f"The account's credit is now {usd(max(credit, Decimal(0)))}, less than this refund of "
                f"{usd(refund.amount)}: check the ledger first."
            )
        moved = Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
            status=Refund.Status.ISSUED, issued_on=today, issued_by=user, check_number=check_number
        )
        if not moved:
            return False
        ledger.entry_post(
            lease=lease,
            kind=LedgerEntry.Kind.REFUND,
            amount=refund.amount,
            posted_on=today,
            memo=f"Refund {refund.get_method_display().lower()}",
            user=user,
            refund=refund,
        )
        lease_close_if_settled(lease=lease)
        enqueue_on_commit(emails.refund_issued_send, refund.pk)
        notify(lease, Kind.REFUND_ISSUED, url=link("leases:bill", lease.public_id), key=refund.pk)
        return True


def lease_close_if_settled(*, lease: Lease) -> bool:
    """Close a sold lease once its bill is issued, nothing is owed either way and no payment or
    refund is still in flight."""
    status = Lease.objects.filter(pk=lease.pk).values_list("status", flat=True).first()
    if status != Lease.Status.SOLD or not FinalBill.objects.filter(lease=lease).exists():
        return False
    if ledger.balance(lease) != 0:
        return False
    if lease.payments.filter(status=Payment.Status.PENDING).exists():
        return False
    if lease.refunds.filter(status=Refund.Status.PENDING).exists():
        return False
    lease.status = status
    lease.close()
    _bill_mark_paid(lease)
    return True


def _bill_mark_paid(lease: Lease) -> None:
    """A bill that asked for money and is now settled by payments is paid on the day the last one
    cleared; its statement is drawn again to say so."""
    cleared = lease.payments.filter(status=Payment.Status.SETTLED).aggregate(day=Max("settled_on"))["day"]
    if cleared is None:
        return
    bill = FinalBill.objects.filter(lease=lease, balance_due__gt=0, paid_on__isnull=True).first()
    if bill is None:
        return
    FinalBill.objects.filter(pk=bill.pk).update(paid_on=cleared, statement="")
    statement.STATEMENT_PDF.enqueue(bill.pk)
