"""The NACHA file for pending debits and issued bank refunds, and importing the bank's returns."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from leases.billing import fieldcrypt, nacha
from leases.billing.payments import payment_return
from leases.models import (
    AchFile,
    BalanceHold,
    BankAccount,
    Lease,
    Payment,
    Refund,
)
from quotes.engine import money

_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
log = logging.getLogger(__name__)


def _originator() -> nacha.Originator:
    ach = settings.ACH
    return nacha.Originator(
        immediate_destination=ach["immediate_destination"],
        immediate_destination_name=ach["immediate_destination_name"],
        immediate_origin=ach["immediate_origin"],
        immediate_origin_name=ach["immediate_origin_name"],
        company_name=ach["company_name"],
        company_id=ach["company_id"],
    )


class _TraceNumbers:
    """The ODFI's 8 digits and a 7-digit sequence that carries on from the previous file."""

    def __init__(self, odfi: str, first: int) -> None:
        self.odfi, self.last = odfi, first - 1

    def next(self) -> str:
        self.last += 1
        return f"{self.odfi}{self.last % 10_000_000:07d}"


def _offset(entries: list[nacha.Entry], *, direction: str, traces: _TraceNumbers) -> list[nacha.Entry]:
    """The balancing entry to the originator's own account, when the bank wants one."""
    ach = settings.ACH
    if not (ach["offset_routing"] and ach["offset_account"] and entries):
        return []
    return [
        nacha.Entry(
            transaction_code=nacha.TRANSACTION_CODES[("checking", direction)],
            routing_number=ach["offset_routing"],
            account_number=ach["offset_account"],
            amount=money(sum((e.amount for e in entries), Decimal(0))),
            individual_id="OFFSET",
            individual_name=ach["company_name"],
            trace_number=traces.next(),
        )
    ]


def ach_file_write(*, today: dt.date, user=None) -> AchFile | None:
    """Write one NACHA file for the pending online debits (WEB) and the issued bank refunds
    (PPD credits) not yet sent, store it, and link each to it. None when there is nothing to send.

    Rows are claimed FOR UPDATE SKIP LOCKED and linked to the file in the same transaction, so
    a second run at the same time finds nothing to claim and a payment lands in one file only.
    """
    with transaction.atomic():
        payments, refunds = _unsent()
        payments, refunds = _sendable(payments), _sendable(refunds)
        if not payments and not refunds:
            return None
        first_seq = (AchFile.objects.aggregate(last=Max("last_trace_seq"))["last"] or 0) + 1
        traces = _TraceNumbers(settings.ACH["immediate_destination"][:8], first_seq)
        debits = [_entry(p.bank_account, p.amount, p.lease, "debit", traces.next(), "S") for p in payments]
        debit_offset = _offset(debits, direction="credit", traces=traces)
        credits = [_entry(r.bank_account, r.amount, r.lease, "credit", traces.next(), "") for r in refunds]
        credit_offset = _offset(credits, direction="debit", traces=traces)
        batches = [
            nacha.Batch("WEB", settings.ACH["payment_description"], tuple(debits + debit_offset)),
            nacha.Batch("PPD", settings.ACH["refund_description"], tuple(credits + credit_offset)),
        ]
        counts, sequences = (len(debits), len(credits)), (first_seq, traces.last)
        ach_file = _stored(batches, today=today, counts=counts, traces=sequences, user=user)
        for payment, entry in zip(payments, debits, strict=True):
            Payment.objects.filter(pk=payment.pk).update(ach_file=ach_file, trace_number=entry.trace_number)
        for refund, entry in zip(refunds, credits, strict=True):
            Refund.objects.filter(pk=refund.pk).update(ach_file=ach_file, trace_number=entry.trace_number)
        return ach_file


def _unsent() -> tuple[list[Payment], list[Refund]]:
    """Claim the pending debits and issued bank refunds no file carries yet (call inside a transaction)."""
    payments = list(
        _unsent_payments()
        .select_for_update(skip_locked=True, of=("self",))
        # A lease with a disputed amount on hold: its debits wait for the next file after the outcome.
        .exclude(Exists(BalanceHold.objects.filter(lease=OuterRef("lease_id"), released_on__isnull=True)))
    )
    refunds = list(_unsent_refunds().select_for_update(skip_locked=True, of=("self",)))
    return payments, refunds


def _unsent_payments():
    """Pending online debits no file carries yet, with what an entry needs."""
    waiting = Payment.objects.filter(status=Payment.Status.PENDING, ach_file__isnull=True)
    return waiting.select_related("bank_account", "lease").order_by("id")


def _unsent_refunds():
    """Issued bank refunds no file carries yet, with what an entry needs."""
    waiting = Refund.objects.filter(status=Refund.Status.ISSUED, method=Refund.Method.ACH, ach_file__isnull=True)
    return waiting.select_related("bank_account", "lease").order_by("id")


@dataclass(frozen=True)
class HeldBack:
    """A debit or refund left out of the bank file because its stored account cannot be sent."""

    item: Payment | Refund
    problem: str


def account_problem(account: BankAccount) -> str | None:
    """Why a stored account cannot go in a bank file (a bad routing number, an account number
    the current key cannot read), or None. One bad row must not stop everyone else's file."""
    if problem := nacha.routing_number_problem(account.routing_number):
        return f"the routing number {account.routing_number!r} is refused ({problem})"
    try:
        number = fieldcrypt.decrypt(account.account_number_encrypted)
    except (InvalidToken, ValueError, TypeError):
        return "the account number cannot be read with the current encryption key"
    if problem := nacha.account_number_problem(number):
        return f"the account number is refused ({problem})"
    return None


def _sendable(items: list) -> list:
    """The claimed items whose account can be sent; the others stay pending and are logged."""
    kept = []
    for item in items:
        if problem := account_problem(item.bank_account):
            log.error("ACH: %s %s held back: %s", type(item).__name__, item.pk, problem)
        else:
            kept.append(item)
    return kept


def held_back() -> list[HeldBack]:
    """The pending debits and issued bank refunds no file can carry until operations fix their
    account (shown after each file is written)."""
    waiting = [*_unsent_payments(), *_unsent_refunds()]
    return [HeldBack(item, problem) for item in waiting if (problem := account_problem(item.bank_account))]


def _stored(
    batches: list[nacha.Batch], *, today: dt.date, counts: tuple[int, int], traces: tuple[int, int], user
) -> AchFile:
    """Write the file's text and store it with its counts, control totals and trace numbers."""
    created = dt.datetime.combine(today, timezone.localtime().time())
    modifier = _MODIFIERS[AchFile.objects.filter(file_date=today).count() % len(_MODIFIERS)]
    effective = nacha.next_business_day(today)
    written = nacha.write(_originator(), batches, created=created, modifier=modifier, effective=effective)
    ach_file = AchFile(
        file_date=today,
        modifier=modifier,
        effective_on=effective,
        debit_count=counts[0],
        credit_count=counts[1],
        total_debit=money(Decimal(written.totals.total_debit_cents).scaleb(-2)),
        total_credit=money(Decimal(written.totals.total_credit_cents).scaleb(-2)),
        entry_hash=written.totals.entry_hash,
        first_trace_seq=traces[0],
        last_trace_seq=traces[1],
        created_by=user,
    )
    ach_file.file.save(f"ach-{today:%Y%m%d}-{modifier}.txt", ContentFile(written.text.encode("ascii")), save=False)
    ach_file.save()
    return ach_file


def _entry(account: BankAccount, amount: Decimal, lease: Lease, direction: str, trace: str, kind: str) -> nacha.Entry:
    return nacha.Entry(
        transaction_code=nacha.TRANSACTION_CODES[(account.account_type, direction)],
        routing_number=account.routing_number,
        account_number=fieldcrypt.decrypt(account.account_number_encrypted),
        amount=amount,
        individual_id=lease.account_number,
        individual_name=account.holder_name,
        trace_number=trace,
        discretionary=kind,
    )


@dataclass
class ReturnsImported:
    returned: list[Payment] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


RETURNS_FORMAT = (
    "One return a line: the payment's 15-digit trace number or its confirmation number, a comma, "
    "the return reason code (R01, R02, ...), and optionally a comma and a note. "
    "Blank lines and lines starting with # are skipped."
)


def ach_returns_import(*, text: str, today: dt.date, user=None) -> ReturnsImported:
    """Apply a returns file (format: RETURNS_FORMAT). Safe to import twice: a payment is
    returned once, so a second import only reports it as already returned."""
    result = ReturnsImported()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split(",", 2)]
        if len(parts) < 2 or not re.fullmatch(r"R\d\d", parts[1].upper()):
            result.errors.append(f"line {number}: expected 'trace or confirmation number,Rnn', got {line[:60]!r}")
            continue
        key, code = parts[0].upper(), parts[1].upper()
        lookup = {"trace_number": key} if re.fullmatch(r"\d{15}", key) else {"reference": key}
        payment = Payment.objects.select_related("lease").filter(**lookup).first()
        if payment is None:
            result.errors.append(f"line {number}: no payment has trace or confirmation number {key}")
        elif payment_return(payment=payment, code=code, today=today, user=user):
            result.returned.append(payment)
        else:
            result.already.append(payment.reference)
    return result
