"""Lease-end billing services: the inspection and sale records, the final bill, online payments,
ACH files and returns, refunds, and closing the account.

Each service is one transaction; emails are enqueued only after it commits. Amounts go through
`quotes.engine.money`, the one rounding function.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from stdnum.us import rtn

from leases import fieldcrypt, ledger, nacha, tasks
from leases.models import (
    AchFile,
    AuctionSale,
    BankAccount,
    FinalBill,
    Inspection,
    Lease,
    LeaseParty,
    LedgerEntry,
    Payment,
    Refund,
)
from leases.services import latest_reading
from portal.tasks import enqueue_on_commit
from quotes.engine import QuoteError, compute_quote, money, parse_request, usd

MIN_PAYMENT = Decimal("1.00")
# Bill lines already on the account before the bill (amounts_owed): shown, not posted again.
ALREADY_ON_ACCOUNT = {"past_due", "property_tax"}
RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account, or the account could not be found",
    "R04": "Invalid account number",
    "R05": "Unauthorised debit to a consumer account",
    "R07": "Authorisation revoked by the account holder",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "The account holder says the debit was not authorised",
    "R16": "Account frozen",
    "R20": "The account does not allow this kind of payment",
    "R29": "Corporate customer says the debit was not authorised",
}
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: easy to read aloud
_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class BillingError(Exception):
    """A billing step that cannot be taken now; str() says why in plain words."""


class PaymentRefused(BillingError):
    """A payment that was not made; str() is shown on the form."""


# --- inspection and auction sale -------------------------------------------------------------


def inspection_check(*, lease: Lease, returned_on: dt.date, inspected_on: dt.date, today: dt.date) -> None:
    if lease.status not in (Lease.Status.RETURNED, Lease.Status.TERMINATED_EARLY):
        raise ValidationError(
            f"Only a returned vehicle can be inspected; this lease is {lease.get_status_display().lower()}."
        )
    if Inspection.objects.filter(lease=lease).exists():
        raise ValidationError("An inspection is already recorded for this lease.")
    if returned_on < lease.start_date:
        raise ValidationError("The return date is before the lease began.")
    if inspected_on < returned_on:
        raise ValidationError("The inspection date is before the vehicle was returned.")
    if inspected_on > today:
        raise ValidationError("The inspection date is in the future.")
    if lease.status == Lease.Status.TERMINATED_EARLY and returned_on >= lease.maturity_date:
        raise ValidationError("This lease ended early, so its return date must be before the scheduled end date.")


def inspection_record(
    *,
    lease: Lease,
    returned_on: dt.date,
    inspected_on: dt.date,
    wear_total: Decimal,
    user,
    today: dt.date,
    notes: str = "",
) -> Inspection:
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        inspection_check(lease=lease, returned_on=returned_on, inspected_on=inspected_on, today=today)
        inspection = Inspection.objects.create(
            lease=lease,
            returned_on=returned_on,
            inspected_on=inspected_on,
            wear_total=money(wear_total),
            ended_early=lease.status == Lease.Status.TERMINATED_EARLY,
            notes=notes,
            recorded_by=user,
        )
        lease.mark_inspected()
        return inspection


def auction_sale_check(*, lease: Lease, sold_on: dt.date, price: Decimal, today: dt.date) -> None:
    if lease.status != Lease.Status.INSPECTED:
        raise ValidationError(
            f"A sale can be recorded once the vehicle is inspected; this lease is {lease.get_status_display().lower()}."
        )
    inspection = Inspection.objects.filter(lease=lease).first()
    if inspection and sold_on < inspection.returned_on:
        raise ValidationError("The sale date is before the vehicle was returned.")
    if sold_on > today:
        raise ValidationError("The sale date is in the future.")
    if price <= 0:
        raise ValidationError("The sale price must be more than zero.")


def auction_sale_record(
    *, lease: Lease, sold_on: dt.date, price: Decimal, user, today: dt.date, auction: str = ""
) -> AuctionSale:
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        auction_sale_check(lease=lease, sold_on=sold_on, price=price, today=today)
        sale = AuctionSale.objects.create(
            lease=lease, sold_on=sold_on, price=money(price), auction=auction, recorded_by=user
        )
        lease.mark_sold()
        return sale


# --- the final bill ----------------------------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def final_bill_request(lease: Lease) -> dict:
    """The quote engine's request for this lease's final bill, in its JSON form (LEASE_MATH.md).

    A lease ended early is billed as an early termination, the sale price being the realized
    value; any other return as a turn-in dated no earlier than the scheduled end (a vehicle
    handed back a few days before it, as a regular turn-in, owes no early-termination charge).
    """
    inspection = Inspection.objects.get(lease=lease)
    sale = AuctionSale.objects.get(lease=lease)
    reading = latest_reading(lease)
    if reading is None:
        raise BillingError("There is no odometer reading for the return.")
    past_due, property_tax = ledger.amounts_owed(lease)
    event: dict[str, object] = {
        "odometer": reading.miles,
        "wear_charges": str(inspection.wear_total),
        "past_due": str(past_due),
        "property_tax": str(property_tax),
    }
    if inspection.ended_early:
        event.update(kind="early_termination", date=inspection.returned_on.isoformat(), realized_value=str(sale.price))
    else:
        event.update(kind="turn_in", date=max(inspection.returned_on, lease.maturity_date).isoformat())
    terms = lease.terms()
    return {"terms": {name: _json_value(getattr(terms, name)) for name in terms.__dataclass_fields__}, "event": event}


def _bill_to(lease: Lease) -> str:
    party = LeaseParty.objects.select_related("lessee").filter(lease=lease, role=LeaseParty.Role.PRIMARY).first()
    if party is None:
        return ""
    return "\n".join([party.lessee.full_name, *party.lessee.address_lines])


def _facts(lease: Lease, request: dict) -> dict:
    inspection, sale = Inspection.objects.get(lease=lease), AuctionSale.objects.get(lease=lease)
    return {
        "account_number": lease.account_number,
        "vehicle": lease.vehicle.description,
        "vin": lease.vehicle.vin,
        "maturity_date": lease.maturity_date.isoformat(),
        "returned_on": inspection.returned_on.isoformat(),
        "billed_as_of": request["event"]["date"],
        "odometer": request["event"]["odometer"],
        "inspected_on": inspection.inspected_on.isoformat(),
        "wear_total": str(inspection.wear_total),
        "sold_on": sale.sold_on.isoformat(),
        "sale_price": str(sale.price),
    }


def _bill_rule(line, lease: Lease) -> str:
    """The engine's rule, except where its wording is for an estimate: a bill follows an inspection."""
    if line.code == "excess_wear" and not Inspection.objects.get(lease=lease).wear_total:
        return "The inspection found no chargeable excess wear"
    return line.rule


def final_bill_preview(lease: Lease):
    """The bill as it would be issued now (nothing is written); BillingError if it cannot be."""
    try:
        return compute_quote(*parse_request(final_bill_request(lease)))
    except QuoteError as error:
        raise BillingError(f"The bill cannot be computed: {error}.") from None
    except (Inspection.DoesNotExist, AuctionSale.DoesNotExist):
        raise BillingError("Record the inspection and the sale first.") from None


def final_bill_issue(*, lease: Lease, user, today: dt.date) -> FinalBill:
    """Compute, post and freeze the final bill; refuses a second bill for the same lease.

    The bill's lines go to the ledger with the security deposit applied as a credit, all in
    one transaction. Past-due amounts and property tax are on the account already, so their
    lines are shown but not posted twice. A credit balance becomes a pending refund.
    """
    with transaction.atomic():
        lease = Lease.objects.select_for_update().select_related("vehicle__make").get(pk=lease.pk)
        if FinalBill.objects.filter(lease=lease).exists():
            raise BillingError("A final bill has already been issued for this lease.")
        if lease.status != Lease.Status.SOLD:
            raise BillingError(
                f"A final bill follows the sale of the vehicle; this lease is {lease.get_status_display().lower()}."
            )
        request = final_bill_request(lease)
        try:
            quote = compute_quote(*parse_request(request))
        except QuoteError as error:
            raise BillingError(f"The bill cannot be computed: {error}.") from None
        prior_balance = min(Decimal("0.00"), ledger.balance(lease))  # a credit from before the bill
        bill = FinalBill.objects.create(
            lease=lease,
            kind=quote.kind,
            inputs=request,
            lines=[
                {
                    "code": line.code,
                    "label": line.label,
                    "amount": str(line.amount),
                    "rule": _bill_rule(line, lease),
                    "posted": bool(line.amount) and line.code not in ALREADY_ON_ACCOUNT,
                }
                for line in quote.lines
            ],
            facts=_facts(lease, request),
            bill_to=_bill_to(lease),
            total=quote.total,
            security_deposit=quote.security_deposit,
            net_after_deposit=quote.net_after_deposit,
            prior_balance=prior_balance,
            balance_due=money(quote.net_after_deposit + prior_balance),
            issued_on=today,
            due_on=today + dt.timedelta(days=settings.FINAL_BILL_DUE_DAYS),
            issued_by=user,
        )
        for line in bill.lines:
            if line["posted"]:
                ledger.entry_post(
                    lease=lease,
                    kind=line["code"],
                    amount=Decimal(line["amount"]),
                    posted_on=today,
                    memo=line["label"],
                    user=user,
                    final_bill=bill,
                )
        if bill.security_deposit:
            ledger.entry_post(
                lease=lease,
                kind=LedgerEntry.Kind.SECURITY_DEPOSIT_APPLIED,
                amount=-bill.security_deposit,
                posted_on=today,
                memo="Security deposit applied to the final bill",
                user=user,
                final_bill=bill,
            )
        if ledger.balance(lease) != bill.balance_due:  # the ledger and the snapshot must agree
            raise BillingError("The ledger does not match the bill; nothing was issued.")
        if bill.balance_due < 0:
            _refund_create(bill=bill, lease=lease)
        else:
            lease_close_if_settled(lease=lease)
        enqueue_on_commit(tasks.final_bill_send, bill.pk)
        return bill


def bank_account_on_file(lease: Lease) -> BankAccount | None:
    """The account of the latest settled payment on this lease: where a refund can go back to."""
    return (
        BankAccount.objects.filter(lease=lease, payments__status=Payment.Status.SETTLED)
        .order_by("-created_at", "-id")
        .first()
    )


def _refund_create(*, bill: FinalBill, lease: Lease) -> Refund:
    account = bank_account_on_file(lease)
    return Refund.objects.create(
        final_bill=bill,
        lease=lease,
        amount=-bill.balance_due,
        method=Refund.Method.ACH if account else Refund.Method.CHECK,
        bank_account=account,
        mail_to=bill.bill_to,
    )


_FACT_DATES = ("maturity_date", "returned_on", "billed_as_of", "inspected_on", "sold_on")


def statement_context(bill: FinalBill) -> dict:
    """What the statement (PDF) and the bill page show, from the frozen snapshot only."""
    lines = [
        {**line, "display": usd(Decimal(line["amount"])), "is_credit": Decimal(line["amount"]) < 0}
        for line in bill.lines
    ]
    facts = bill.facts
    return {
        "bill": bill,
        "facts": facts,
        "dates": {key: dt.date.fromisoformat(facts[key]) for key in _FACT_DATES},
        "odometer": f"{facts['odometer']:,}",
        "sale_price": usd(Decimal(facts["sale_price"])),
        "lines": lines,
        "total": usd(bill.total),
        "deposit": usd(-bill.security_deposit),
        "net": usd(bill.net_after_deposit),
        "prior": usd(bill.prior_balance) if bill.prior_balance else "",
        "balance_due": usd(bill.balance_due),
        "refund_due": usd(-bill.balance_due) if bill.balance_due < 0 else "",
        "owes": bill.balance_due > 0,
        "lessor": settings.LESSOR,
        "site_url": settings.SITE_URL,
    }


def statement_pdf(bill: FinalBill) -> bytes:
    from weasyprint import HTML  # heavy: loaded only when a statement is drawn

    html = render_to_string("pdf/statement.html", statement_context(bill))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def statement_bytes(bill: FinalBill) -> bytes:
    """The stored statement, drawing and storing it first if it is not there yet."""
    if not bill.statement:
        bill.statement.save(f"statement-{bill.lease.account_number}.pdf", ContentFile(statement_pdf(bill)), save=False)
        # Whoever stores first wins; a concurrent drawing of the same snapshot is identical anyway.
        FinalBill.objects.filter(pk=bill.pk, statement="").update(statement=bill.statement.name)
    with bill.statement.open("rb") as stored:
        return stored.read()


# --- online payments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BankDetails:
    holder_name: str
    routing_number: str
    account_number: str
    account_type: str  # BankAccount.Type


_AUTHORIZATION_TERMS = (
    "The debit may be made on or after today, or on the next business day if today is not one. "
    "I confirm that I may use this account and that this is a one-time payment, not a recurring one. "
    "If my bank returns the debit unpaid, the amount goes back on my balance. "
    "I can cancel this payment by calling {phone} before 9 p.m. Eastern time today."
)


def authorization_text(lease: Lease) -> str:
    """The words the lessee agrees to before a debit (shown on the form and stored as shown)."""
    lessor = settings.LESSOR
    return (
        f"I authorize {lessor['name']} to make one electronic debit (ACH) from the bank account I entered "
        f"above, for the amount I entered above, as a payment on lease account {lease.account_number}. "
        + _AUTHORIZATION_TERMS.format(phone=lessor["payments_phone"])
    )


def buyout_authorization_text(lease: Lease, *, quote_reference: str, amount: Decimal) -> str:
    """The words agreed to before the debit that buys the vehicle: the amount is the quote's."""
    lessor = settings.LESSOR
    return (
        f"I authorize {lessor['name']} to make one electronic debit (ACH) of {usd(amount)} from the bank "
        f"account I entered above, to buy the vehicle on lease account {lease.account_number} as set out "
        f"in buyout quote {quote_reference}. " + _AUTHORIZATION_TERMS.format(phone=lessor["payments_phone"])
    )


def payment_limits(balance: Decimal) -> tuple[Decimal, Decimal]:
    """The smallest and largest online payment against this balance: $1 (or less, to clear a
    balance below a dollar) up to the balance itself."""
    return min(MIN_PAYMENT, balance), balance


def routing_number_check(value: str) -> str:
    digits = value.strip()
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError("A routing number has exactly 9 digits.", code="routing_length")
    if not rtn.is_valid(digits):
        raise ValidationError(
            "That routing number is not valid (its check digit does not match). "
            "Check the 9 digits at the bottom left of a check or in your bank's app.",
            code="routing_check",
        )
    return digits


def payment_for_key(*, lease: Lease, user, idempotency_key) -> Payment | None:
    """The payment a pay form already made, if this form was submitted before."""
    return Payment.objects.filter(idempotency_key=idempotency_key, lease=lease, authorized_by=user).first()


def payment_create(
    *,
    lease: Lease,
    user,
    amount: Decimal,
    bank: BankDetails,
    idempotency_key,
    ip: str | None,
    authorization: str,
    today: dt.date,
    purpose: str = Payment.Purpose.BALANCE,
    quote_reference: str = "",
) -> Payment:
    """Make one online debit and post it to the ledger, exactly once per idempotency key.

    Requests for one lease are serialised on the lease row, so the balance check and the insert
    cannot interleave; a request that repeats a key gets the payment the key already made. The
    unique key is the last word should anything bypass the lock.

    ``purpose="buyout"``: the caller has posted the purchase lines first (same transaction) and
    the payment must then clear the whole balance; ``quote_reference`` names the quote.
    """
    amount = money(amount)
    routing = routing_number_check(bank.routing_number)
    try:
        with transaction.atomic():
            Lease.objects.select_for_update().filter(pk=lease.pk).first()
            existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_payment(existing, lease=lease, user=user)
            _payment_allowed(lease=lease, amount=amount, purpose=purpose)
            account = BankAccount.objects.create(
                lease=lease,
                holder_name=bank.holder_name.strip(),
                routing_number=routing,
                account_type=bank.account_type,
                account_last4=bank.account_number[-4:],
                account_number_encrypted=fieldcrypt.encrypt(bank.account_number),
                created_by=user,
            )
            payment = Payment.objects.create(
                reference="".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10)),
                idempotency_key=idempotency_key,
                lease=lease,
                bank_account=account,
                amount=amount,
                purpose=purpose,
                quote_reference=quote_reference,
                authorization_text=authorization,
                authorized_at=timezone.now(),
                authorized_ip=ip or None,
                authorized_by=user,
                made_on=today,
            )
            ledger.entry_post(
                lease=lease,
                kind=LedgerEntry.Kind.PAYMENT,
                amount=-amount,
                posted_on=today,
                memo=f"Online payment {payment.reference} from {account}",
                user=user,
                payment=payment,
            )
            enqueue_on_commit(tasks.payment_receipt_send, payment.pk)
            return payment
    except IntegrityError:
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_payment(existing, lease=lease, user=user)


def _same_payment(existing: Payment, *, lease: Lease, user) -> Payment:
    if existing.lease_id != lease.pk or existing.authorized_by_id != user.pk:
        raise PaymentRefused("This payment form has expired. Please open the payment page again.")
    return existing


def _payment_allowed(*, lease: Lease, amount: Decimal, purpose: str) -> None:
    balance = ledger.balance(lease)
    if purpose == Payment.Purpose.BALANCE and not FinalBill.objects.filter(lease=lease).exists():
        raise PaymentRefused("There is no final bill to pay on this lease yet.")
    if balance <= 0:
        raise PaymentRefused("There is nothing to pay on this account now.")
    low, high = payment_limits(balance)
    if purpose == Payment.Purpose.BUYOUT and amount != balance:
        raise PaymentRefused(f"A purchase is paid in full: {usd(balance)}.")
    if amount > high:
        raise PaymentRefused(f"That is more than your balance of {usd(balance)}. Enter {usd(balance)} or less.")
    if amount < low:
        raise PaymentRefused(f"The smallest online payment is {usd(low)}.")


# --- buying the vehicle: a buyout quote paid online ------------------------------------------


class BuyoutQuoteOutdated(PaymentRefused):
    """The account has moved since the quote was given: its figures no longer add up to the balance."""


def buyout_payment_for(*, lease: Lease, quote_reference: str) -> Payment | None:
    """The payment that bought the vehicle under this quote, if one was made."""
    return (
        Payment.objects.filter(lease=lease, purpose=Payment.Purpose.BUYOUT, quote_reference=quote_reference)
        .select_related("bank_account")
        .first()
    )


def buyout_payment_create(
    *,
    lease: Lease,
    quote_reference: str,
    lines: list[dict],
    amount: Decimal,
    user,
    bank: BankDetails,
    idempotency_key,
    ip: str | None,
    authorization: str,
    today: dt.date,
) -> Payment:
    """Buy the vehicle as a buyout quote sets out: post its lines, debit ``amount`` (the quote's
    net after the deposit) and mark the lease purchased, in one transaction, exactly once.

    ``lines`` are the quote's stored lines. Past-due and property-tax lines are on the account
    already (as on the final bill) and are not posted again. The security deposit reaches the
    ledger as one credit, as on the final bill: the quote's own line when the lessee applied it
    to the price, otherwise the part of the total the quote nets off (total − net after deposit).
    A repeated idempotency key gets its payment back; a second payment of the same quote, or
    any payment once the lease is no longer open, is refused. Checking the quote's good-through
    date is the caller's (quotes) job.
    """
    amount = money(amount)
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk)
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_payment(existing, lease=lease, user=user)
        if (paid := buyout_payment_for(lease=lease, quote_reference=quote_reference)) is not None:
            raise PaymentRefused(
                f"This buyout quote was paid on {paid.made_on:%B} {paid.made_on.day}, {paid.made_on.year} "
                f"(confirmation {paid.reference})."
            )
        if not lease.is_open:
            raise PaymentRefused(
                f"This lease is {lease.get_status_display().lower()}: the vehicle can no longer be bought online."
            )
        on_account = money(
            sum((Decimal(line["amount"]) for line in lines if line["code"] in ALREADY_ON_ACCOUNT), Decimal(0))
        )
        if ledger.balance(lease) != on_account:
            raise BuyoutQuoteOutdated(
                "Your account has changed since this quote was given (a payment or a charge was posted), "
                "so its figures no longer hold. Please get a new buyout quote."
            )
        total = Decimal(0)
        for line in lines:
            line_amount = money(Decimal(line["amount"]))
            total += line_amount
            if line_amount and line["code"] not in ALREADY_ON_ACCOUNT:
                ledger.entry_post(
                    lease=lease,
                    kind=LedgerEntry.Kind(line["code"]),
                    amount=line_amount,
                    posted_on=today,
                    memo=f"{line['label']} · buyout quote {quote_reference}",
                    user=user,
                )
        held = money(total - amount)
        if held:
            ledger.entry_post(
                lease=lease,
                kind=LedgerEntry.Kind.SECURITY_DEPOSIT_APPLIED,
                amount=-held,
                posted_on=today,
                memo=f"Security deposit credited against the purchase · buyout quote {quote_reference}",
                user=user,
            )
        if ledger.balance(lease) != amount:  # the ledger and the quote must agree before any debit
            raise BuyoutQuoteOutdated("This quote's figures do not match your account. Please get a new buyout quote.")
        payment = payment_create(
            lease=lease,
            user=user,
            amount=amount,
            bank=bank,
            idempotency_key=idempotency_key,
            ip=ip,
            authorization=authorization,
            today=today,
            purpose=Payment.Purpose.BUYOUT,
            quote_reference=quote_reference,
        )
        lease.mark_purchased()
        return payment


def payment_settle(*, payment: Payment, today: dt.date) -> bool:
    """Pending → settled (the funds have cleared, or operations confirm it). False if it was not pending."""
    with transaction.atomic():
        moved = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING, ach_file__isnull=False).update(
            status=Payment.Status.SETTLED, settled_on=today
        )
        if moved:
            lease_close_if_settled(lease=payment.lease)
        return bool(moved)


def payments_settle_due(*, today: dt.date) -> int:
    """Settle the debits sent long enough ago that a return for lack of funds would have come."""
    days = settings.ACH["settlement_days"]
    settled = 0
    pending = Payment.objects.filter(status=Payment.Status.PENDING, ach_file__isnull=False).select_related(
        "ach_file", "lease"
    )
    for payment in pending:
        if nacha.add_business_days(payment.ach_file.effective_on, days) <= today:
            settled += payment_settle(payment=payment, today=today)
    return settled


def payment_return(*, payment: Payment, code: str, today: dt.date, user=None) -> bool:
    """The bank returned the debit: reverse it on the ledger and tell the lessee. Once only."""
    with transaction.atomic():
        moved = Payment.objects.filter(
            pk=payment.pk, status__in=[Payment.Status.PENDING, Payment.Status.SETTLED]
        ).update(status=Payment.Status.RETURNED, return_code=code, returned_on=today)
        if not moved:
            return False
        ledger.entry_post(
            lease=payment.lease,
            kind=LedgerEntry.Kind.PAYMENT_RETURNED,
            amount=payment.amount,
            posted_on=today,
            memo=f"Payment {payment.reference} returned: {code} {RETURN_REASONS.get(code, '')}".strip(),
            user=user,
            payment=payment,
        )
        enqueue_on_commit(tasks.payment_returned_send, payment.pk)
        return True


# --- ACH files and returns ---------------------------------------------------------------------


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
        payments = list(
            Payment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Payment.Status.PENDING, ach_file__isnull=True)
            .select_related("bank_account", "lease")
            .order_by("id")
        )
        refunds = list(
            Refund.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Refund.Status.ISSUED, method=Refund.Method.ACH, ach_file__isnull=True)
            .select_related("bank_account", "lease")
            .order_by("id")
        )
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
        now = timezone.localtime()
        created = dt.datetime.combine(today, now.time())
        modifier = _MODIFIERS[AchFile.objects.filter(file_date=today).count() % len(_MODIFIERS)]
        effective = nacha.next_business_day(today)
        written = nacha.write(_originator(), batches, created=created, modifier=modifier, effective=effective)
        ach_file = AchFile(
            file_date=today,
            modifier=modifier,
            effective_on=effective,
            debit_count=len(debits),
            credit_count=len(credits),
            total_debit=money(Decimal(written.totals.total_debit_cents).scaleb(-2)),
            total_credit=money(Decimal(written.totals.total_credit_cents).scaleb(-2)),
            entry_hash=written.totals.entry_hash,
            first_trace_seq=first_seq,
            last_trace_seq=traces.last,
            created_by=user,
        )
        ach_file.file.save(f"ach-{today:%Y%m%d}-{modifier}.txt", ContentFile(written.text.encode("ascii")), save=False)
        ach_file.save()
        for payment, entry in zip(payments, debits, strict=True):
            Payment.objects.filter(pk=payment.pk).update(ach_file=ach_file, trace_number=entry.trace_number)
        for refund, entry in zip(refunds, credits, strict=True):
            Refund.objects.filter(pk=refund.pk).update(ach_file=ach_file, trace_number=entry.trace_number)
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


# --- refunds and closing -----------------------------------------------------------------------


def refund_issue(*, refund: Refund, user, today: dt.date) -> bool:
    """Send the refund (a check is mailed, or the credit goes in the next ACH file), post it to
    the ledger and tell the lessee. False if it was already issued."""
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
            status=Refund.Status.ISSUED, issued_on=today, issued_by=user
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
        enqueue_on_commit(tasks.refund_issued_send, refund.pk)
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
    return True
