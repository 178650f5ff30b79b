"""The account ledger: append-only entries per lease, and the figures read from them.

Sign convention (see LedgerEntry): positive adds to what the lessee owes, negative reduces it;
the balance is the sum of every entry. Nothing here updates or deletes an entry: a mistake is
put right with an opposite entry (`entry_correct`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum

from leases.models import FinalBill, Lease, LedgerEntry, Payment, Refund
from quotes.engine import money

ZERO = Decimal("0.00")
# Quote and bill lines whose amounts are on the account already (see amounts_owed): a final bill
# or a buyout shows them but does not post them again.
ALREADY_ON_ACCOUNT = frozenset({"past_due", "property_tax"})


def entries(lease: Lease) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(lease=lease).order_by("posted_on", "id")


def balance(lease: Lease) -> Decimal:
    """What the lessee owes now (negative: what we owe them)."""
    total = LedgerEntry.objects.filter(lease=lease).aggregate(total=Sum("amount"))["total"]
    return money(total or 0)


def amounts_owed(lease: Lease) -> tuple[Decimal, Decimal]:
    """(past due, unpaid personal property tax) on the account, for quotes and the final bill.

    Everything on the account before the final bill (entries not posted by it) that is still
    unpaid: property-tax charges count as property tax, everything else as past due. Payments
    and credits pay off the past-due part first. A credit balance owes nothing: (0, 0).
    """
    return amounts_owed_many([lease.pk])[lease.pk]


def amounts_owed_many(lease_ids: Iterable[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """``amounts_owed`` for many leases in one query (lease id → (past due, property tax))."""
    ids = list(lease_ids)
    rows = {
        row["lease_id"]: row
        for row in LedgerEntry.objects.filter(lease_id__in=ids, final_bill__isnull=True)
        .values("lease_id")
        .annotate(total=Sum("amount"), tax=Sum("amount", filter=Q(kind=LedgerEntry.Kind.PROPERTY_TAX)))
    }
    owed = {}
    for lease_id in ids:
        row = rows.get(lease_id, {})
        open_amount = max(ZERO, money(row.get("total") or 0))
        property_tax = min(max(ZERO, money(row.get("tax") or 0)), open_amount)
        owed[lease_id] = (money(open_amount - property_tax), property_tax)
    return owed


def entry_post(
    *,
    lease: Lease,
    kind: str,
    amount: Decimal,
    posted_on: dt.date,
    memo: str = "",
    user=None,
    final_bill: FinalBill | None = None,
    payment: Payment | None = None,
    refund: Refund | None = None,
) -> LedgerEntry:
    amount = money(amount)
    if not amount:
        raise ValueError("a ledger entry cannot be for zero")
    return LedgerEntry.objects.create(
        lease=lease,
        kind=kind,
        amount=amount,
        posted_on=posted_on,
        memo=memo[:200],
        created_by=user,
        final_bill=final_bill,
        payment=payment,
        refund=refund,
    )


def is_posted(line: dict) -> bool:
    """Whether a stored quote or bill line reaches the ledger when the bill or buyout is posted."""
    return bool(money(Decimal(line["amount"]))) and line["code"] not in ALREADY_ON_ACCOUNT


def lines_post(
    *,
    lease: Lease,
    lines: list[dict],
    deposit_credit: Decimal,
    posted_on: dt.date,
    user,
    memo_suffix: str = "",
    deposit_memo: str,
    final_bill: FinalBill | None = None,
) -> Decimal:
    """Post a final bill's or a buyout quote's stored lines (those ``is_posted``) and the security
    deposit as one credit; returns the balance afterwards, for the caller to check against the
    snapshot (the ledger and the document must agree before anything is issued or debited)."""
    for line in lines:
        if is_posted(line):
            entry_post(
                lease=lease,
                kind=LedgerEntry.Kind(line["code"]),
                amount=Decimal(line["amount"]),
                posted_on=posted_on,
                memo=line["label"] + memo_suffix,
                user=user,
                final_bill=final_bill,
            )
    if deposit_credit:
        entry_post(
            lease=lease,
            kind=LedgerEntry.Kind.SECURITY_DEPOSIT_APPLIED,
            amount=-deposit_credit,
            posted_on=posted_on,
            memo=deposit_memo,
            user=user,
            final_bill=final_bill,
        )
    return balance(lease)


class AlreadyCorrected(Exception):
    pass


def entry_correct(*, entry: LedgerEntry, user, today: dt.date, memo: str = "") -> LedgerEntry:
    """Cancel ``entry`` with an opposite one. An entry is corrected at most once (one-to-one),
    and a correction is not itself corrected: post a new entry instead."""
    if entry.corrects_id is not None:
        raise AlreadyCorrected("This entry is itself a correction; post a new entry instead.")
    with transaction.atomic():
        if LedgerEntry.objects.filter(corrects=entry).exists():
            raise AlreadyCorrected(f"Entry {entry.pk} has already been corrected.")
        return LedgerEntry.objects.create(
            lease=entry.lease,
            kind=entry.kind,
            amount=-entry.amount,
            posted_on=today,
            memo=(memo or f"Correction of entry {entry.pk}")[:200],
            created_by=user,
            final_bill=entry.final_bill,
            payment=entry.payment,
            refund=entry.refund,
            corrects=entry,
        )
